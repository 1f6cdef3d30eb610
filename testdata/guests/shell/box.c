/*
 * box - small coreutils in one program, picked by argv[0] (as multicall
 * binaries are): echo, cat, wc, head, seq, true, false, pwd, tr, sleep, env.
 * `box NAME ARGS...` works too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>
#include <stdint.h>

/* The runtime's working directory, which wasi-libc does not ask for. */
__attribute__((import_module("wasix_32v1"), import_name("getcwd"))) int32_t wx_getcwd(char *path, uint32_t *len);

static int copy(FILE *in) {
    char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0) fwrite(buf, 1, n, stdout);
    return 0;
}

static FILE *open_arg(const char *name) {
    if (!strcmp(name, "-")) return stdin;
    FILE *f = fopen(name, "r");
    if (!f) perror(name);
    return f;
}

static int cmd_echo(int argc, char **argv) {
    int nl = 1, i = 1;
    if (argc > 1 && !strcmp(argv[1], "-n")) { nl = 0; i = 2; }
    for (; i < argc; i++) {
        fputs(argv[i], stdout);
        if (i + 1 < argc) putchar(' ');
    }
    if (nl) putchar('\n');
    return 0;
}

static int cmd_cat(int argc, char **argv) {
    if (argc == 1) return copy(stdin);
    int rc = 0;
    for (int i = 1; i < argc; i++) {
        FILE *f = open_arg(argv[i]);
        if (!f) { rc = 1; continue; }
        copy(f);
        if (f != stdin) fclose(f);
    }
    return rc;
}

static int cmd_wc(int argc, char **argv) {
    int only = 0; /* 'l', 'w', 'c' */
    int i = 1;
    if (argc > 1 && argv[1][0] == '-' && argv[1][1]) { only = argv[1][1]; i = 2; }
    FILE *f = i < argc ? open_arg(argv[i]) : stdin;
    if (!f) return 1;
    long lines = 0, words = 0, bytes = 0;
    int c, inword = 0;
    while ((c = getc(f)) != EOF) {
        bytes++;
        if (c == '\n') lines++;
        if (c == ' ' || c == '\n' || c == '\t') inword = 0;
        else if (!inword) { inword = 1; words++; }
    }
    if (only == 'l') printf("%ld\n", lines);
    else if (only == 'w') printf("%ld\n", words);
    else if (only == 'c') printf("%ld\n", bytes);
    else printf("%ld %ld %ld\n", lines, words, bytes);
    return 0;
}

static int cmd_head(int argc, char **argv) {
    long n = 10;
    int i = 1;
    if (i + 1 < argc && !strcmp(argv[i], "-n")) { n = atol(argv[i + 1]); i += 2; }
    FILE *f = i < argc ? open_arg(argv[i]) : stdin;
    if (!f) return 1;
    int c;
    while (n > 0 && (c = getc(f)) != EOF) {
        putchar(c);
        if (c == '\n') n--;
    }
    return 0;
}

static int cmd_seq(int argc, char **argv) {
    long first = 1, last;
    if (argc == 2) last = atol(argv[1]);
    else if (argc == 3) { first = atol(argv[1]); last = atol(argv[2]); }
    else { fprintf(stderr, "usage: seq [FIRST] LAST\n"); return 1; }
    for (long v = first; v <= last; v++) printf("%ld\n", v);
    return 0;
}

static int cmd_pwd(void) {
    char buf[1024];
    if (!getcwd(buf, sizeof buf)) { perror("pwd"); return 1; }
    puts(buf);
    return 0;
}

static int cmd_tr(int argc, char **argv) {
    if (argc != 3 || strlen(argv[1]) != strlen(argv[2])) { fprintf(stderr, "usage: tr SET1 SET2\n"); return 1; }
    int c;
    while ((c = getchar()) != EOF) {
        const char *p = strchr(argv[1], c);
        putchar(p && c ? argv[2][p - argv[1]] : c);
    }
    return 0;
}

static int cmd_sleep(int argc, char **argv) {
    double s = argc > 1 ? atof(argv[1]) : 0;
    struct timespec ts = {(time_t)s, (long)((s - (time_t)s) * 1e9)};
    nanosleep(&ts, NULL);
    return 0;
}

extern char **environ;

static int cmd_env(void) {
    for (char **e = environ; e && *e; e++) puts(*e);
    return 0;
}

static int dispatch(const char *name, int argc, char **argv) {
    if (!strcmp(name, "echo")) return cmd_echo(argc, argv);
    if (!strcmp(name, "cat")) return cmd_cat(argc, argv);
    if (!strcmp(name, "wc")) return cmd_wc(argc, argv);
    if (!strcmp(name, "head")) return cmd_head(argc, argv);
    if (!strcmp(name, "seq")) return cmd_seq(argc, argv);
    if (!strcmp(name, "true")) return 0;
    if (!strcmp(name, "false")) return 1;
    if (!strcmp(name, "pwd")) return cmd_pwd();
    if (!strcmp(name, "tr")) return cmd_tr(argc, argv);
    if (!strcmp(name, "sleep")) return cmd_sleep(argc, argv);
    if (!strcmp(name, "env")) return cmd_env();
    return -1;
}

int main(int argc, char **argv) {
    char cwd[1024];
    uint32_t len = sizeof cwd;
    if (wx_getcwd(cwd, &len) == 0) chdir(cwd);
    const char *name = argc > 0 ? argv[0] : "box";
    const char *slash = strrchr(name, '/');
    if (slash) name = slash + 1;
    int rc = dispatch(name, argc, argv);
    if (rc < 0 && argc > 1) rc = dispatch(argv[1], argc - 1, argv + 1);
    if (rc < 0) {
        fprintf(stderr, "box: unknown tool %s\n", name);
        return 127;
    }
    return rc;
}
