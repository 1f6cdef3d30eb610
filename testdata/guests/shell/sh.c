/*
 * sh - a small shell for the runtime's process calls: pipelines (a | b | c)
 * of programs started with fork and exec, redirections (< > >> 2>), $? and
 * $NAME, NAME=value, && and ||, and the builtins cd, exit, export and a
 * one-line loop: for NAME in WORDS; do COMMANDS; done
 *
 *   sh SCRIPT [ARGS]    sh -c 'COMMANDS'    sh < SCRIPT
 */
#include "../proc/wasixproc.h"
#include <ctype.h>
#include <fcntl.h>
#include <unistd.h>

WX(getcwd) int32_t wx_getcwd(char *path, uint32_t *len);
WX(chdir) int32_t wx_chdir(const char *path, uint32_t len);

#define MAXW 128
#define MAXCMD 16

static int status; /* $? */

/* expand copies word into out, replacing $? and $NAME (not inside '...'). */
static void expand(const char *s, char *out, size_t cap) {
    size_t n = 0;
    int squote = 0;
    while (*s && n + 1 < cap) {
        if (*s == '\'' ) { squote = !squote; s++; continue; }
        if (*s == '"') { s++; continue; }
        if (*s == '$' && !squote) {
            s++;
            char val[64];
            const char *v = "";
            if (*s == '?') { snprintf(val, sizeof val, "%d", status); v = val; s++; }
            else {
                char name[64];
                size_t k = 0;
                while ((isalnum((unsigned char)*s) || *s == '_') && k + 1 < sizeof name) name[k++] = *s++;
                name[k] = 0;
                v = getenv(name);
                if (!v) v = "";
            }
            while (*v && n + 1 < cap) out[n++] = *v++;
            continue;
        }
        out[n++] = *s++;
    }
    out[n] = 0;
}

/* split breaks a command line into words, keeping quotes for expand and
 * making |, <, >, >>, 2> separate words. */
static int split(char *line, char **w) {
    int n = 0;
    char *p = line;
    while (*p && n < MAXW - 1) {
        while (*p == ' ' || *p == '\t') p++;
        if (!*p) break;
        if (*p == '|' || *p == '<' || *p == '>' || (*p == '2' && p[1] == '>')) {
            static char ops[MAXW][3];
            char *op = ops[n];
            int k = 0;
            if (*p == '2') op[k++] = *p++;
            op[k++] = *p++;
            if (op[k - 1] == '>' && *p == '>') op[k++] = *p++;
            op[k] = 0;
            w[n++] = op;
            continue;
        }
        w[n++] = p;
        char q = 0;
        while (*p && (q || (*p != ' ' && *p != '\t' && *p != '|' && *p != '<' && *p != '>'))) {
            if (!q && (*p == '\'' || *p == '"')) q = *p;
            else if (q && *p == q) q = 0;
            p++;
        }
        if (*p == ' ' || *p == '\t') *p++ = 0;
        else if (*p) {
            /* an operator follows at once: end the word without eating it */
            memmove(p + 1, p, strlen(p) + 1);
            *p++ = 0;
        }
    }
    w[n] = NULL;
    return n;
}

static int redirect(const char *op, const char *file) {
    int fd, target;
    if (!strcmp(op, "<")) { fd = open(file, O_RDONLY); target = 0; }
    else if (!strcmp(op, ">")) { fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0644); target = 1; }
    else if (!strcmp(op, ">>")) { fd = open(file, O_WRONLY | O_CREAT | O_APPEND, 0644); target = 1; }
    else { fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0644); target = 2; }
    if (fd < 0) { fprintf(stderr, "sh: cannot open %s\n", file); return -1; }
    return wx_dup2(fd, target);
}

static void sync_cwd(void) {
    char buf[1024];
    uint32_t len = sizeof buf;
    if (wx_getcwd(buf, &len) == 0) chdir(buf);
}

static int builtin(char **argv, int *done) {
    *done = 1;
    if (!strcmp(argv[0], "cd")) {
        const char *d = argv[1] ? argv[1] : "/";
        if (wx_chdir(d, strlen(d))) { fprintf(stderr, "sh: cd: %s: no such directory\n", d); return 1; }
        sync_cwd();
        return 0;
    }
    if (!strcmp(argv[0], "exit")) { fflush(NULL); exit(argv[1] ? atoi(argv[1]) : status); }
    if (!strcmp(argv[0], "export")) {
        for (int i = 1; argv[i]; i++) {
            char *eq = strchr(argv[i], '=');
            if (eq) { *eq = 0; setenv(argv[i], eq + 1, 1); }
        }
        return 0;
    }
    *done = 0;
    return 0;
}

/* run_pipeline runs words (already split) as a pipeline and returns its status. */
static int run_pipeline(char **words, int nw) {
    static char store[MAXW][1024];
    char *cmds[MAXCMD][MAXW];
    char *redir[MAXCMD][8];
    int nc = 0, na = 0, nr = 0;
    for (int i = 0; i <= nw; i++) {
        if (i == nw || !strcmp(words[i], "|")) {
            cmds[nc][na] = NULL;
            redir[nc][nr] = NULL;
            if (na == 0) { fprintf(stderr, "sh: syntax error near |\n"); return 2; }
            nc++;
            na = nr = 0;
            if (nc == MAXCMD) break;
            continue;
        }
        const char *w = words[i];
        if (!strcmp(w, "<") || !strcmp(w, ">") || !strcmp(w, ">>") || !strcmp(w, "2>")) {
            if (i + 1 >= nw) { fprintf(stderr, "sh: missing file after %s\n", w); return 2; }
            expand(words[i + 1], store[i + 1], sizeof store[i + 1]);
            redir[nc][nr++] = (char *)w;
            redir[nc][nr++] = store[i + 1];
            i++;
            continue;
        }
        expand(w, store[i], sizeof store[i]);
        cmds[nc][na++] = store[i];
    }
    /* NAME=value alone sets a variable */
    if (nc == 1 && !cmds[0][1] && !redir[0][0] && strchr(cmds[0][0], '=') && cmds[0][0][0] != '=') {
        char *eq = strchr(cmds[0][0], '=');
        *eq = 0;
        setenv(cmds[0][0], eq + 1, 1);
        return 0;
    }
    if (nc == 1 && !redir[0][0]) {
        int done;
        int rc = builtin(cmds[0], &done);
        if (done) return rc;
    }
    int32_t pids[MAXCMD];
    int in = 0;
    for (int c = 0; c < nc; c++) {
        int p[2] = {-1, -1};
        if (c + 1 < nc && wx_pipe(p)) { fprintf(stderr, "sh: pipe failed\n"); return 1; }
        int32_t pid = wx_fork();
        if (pid < 0) { fprintf(stderr, "sh: fork failed: %d\n", -pid); return 1; }
        if (pid == 0) {
            if (in != 0) wx_dup2(in, 0);
            if (p[1] >= 0) { __wasi_fd_close(p[0]); wx_dup2(p[1], 1); }
            for (int r = 0; redir[c][r]; r += 2)
                if (redirect(redir[c][r], redir[c][r + 1])) _Exit(1);
            int done;
            int rc = builtin(cmds[c], &done);
            if (done) { fflush(NULL); _Exit(rc); }
            int32_t err = wx_execvp(cmds[c][0], cmds[c]);
            fprintf(stderr, "sh: %s: %s\n", cmds[c][0], err == 44 ? "not found" : "cannot run");
            fflush(NULL);
            _Exit(err == 44 ? 127 : 126);
        }
        pids[c] = pid;
        if (in != 0) __wasi_fd_close(in);
        if (p[1] >= 0) __wasi_fd_close(p[1]);
        in = p[0];
    }
    int rc = 0;
    for (int c = 0; c < nc; c++) rc = wx_wait_status((uint32_t)pids[c]);
    return rc;
}

static void run_line(char *line);

/* run_list runs COMMANDS separated by ; && || */
static void run_list(char *s) {
    int skip = 0;
    while (*s) {
        char *end = s;
        char q = 0;
        while (*end) {
            if (!q && (*end == '\'' || *end == '"')) q = *end;
            else if (q && *end == q) q = 0;
            else if (!q && (*end == ';' || (end[0] == '&' && end[1] == '&') || (end[0] == '|' && end[1] == '|'))) break;
            end++;
        }
        char sep = *end, sep2 = sep ? end[1] : 0;
        *end = 0;
        if (!skip) {
            char *words[MAXW];
            int nw = split(s, words);
            if (nw > 0) status = run_pipeline(words, nw);
        }
        skip = 0;
        if (!sep) break;
        if (sep == '&' && sep2 == '&') { skip = status != 0; end++; }
        else if (sep == '|' && sep2 == '|') { skip = status == 0; end++; }
        s = end + 1;
    }
}

/* run_line handles the loop form, then plain lists. */
static void run_line(char *line) {
    while (*line == ' ' || *line == '\t') line++;
    if (*line == '#' || !*line) return;
    if (!strncmp(line, "for ", 4)) {
        char *in = strstr(line, " in ");
        char *doo = strstr(line, "; do ");
        char *done = strstr(line, "; done");
        if (!in || !doo || !done || doo < in || done < doo) {
            fprintf(stderr, "sh: for NAME in WORDS; do COMMANDS; done\n");
            status = 2;
            return;
        }
        char name[64];
        snprintf(name, sizeof name, "%.*s", (int)(in - line - 4), line + 4);
        char words[1024], body[1024];
        snprintf(words, sizeof words, "%.*s", (int)(doo - in - 4), in + 4);
        snprintf(body, sizeof body, "%.*s", (int)(done - doo - 5), doo + 5);
        char *ws[MAXW];
        int nw = split(words, ws);
        static char expanded[MAXW][256];
        for (int i = 0; i < nw; i++) expand(ws[i], expanded[i], sizeof expanded[i]);
        for (int i = 0; i < nw; i++) {
            setenv(name, expanded[i], 1);
            char copy[1024];
            snprintf(copy, sizeof copy, "%s", body);
            run_list(copy);
        }
        return;
    }
    run_list(line);
}

int main(int argc, char **argv) {
    sync_cwd();
    if (argc > 2 && !strcmp(argv[1], "-c")) {
        char line[4096];
        snprintf(line, sizeof line, "%s", argv[2]);
        char *save, *l = strtok_r(line, "\n", &save);
        for (; l; l = strtok_r(NULL, "\n", &save)) run_line(l);
        fflush(NULL);
        return status;
    }
    FILE *in = stdin;
    if (argc > 1) {
        in = fopen(argv[1], "r");
        if (!in) { fprintf(stderr, "sh: cannot open %s\n", argv[1]); return 127; }
    }
    char line[4096];
    while (fgets(line, sizeof line, in)) {
        line[strcspn(line, "\n")] = 0;
        run_line(line);
        fflush(stdout);
    }
    fflush(NULL);
    return status;
}
