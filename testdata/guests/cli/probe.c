/* probe: a plain WASI program (wasi-libc) that reports what it sees of
 * the filesystem, for the CLI's tests of --dir, --mapdir, :ro and --cwd.
 * Arguments are operations, each printing one line:
 *   pwd          the working directory
 *   cat PATH     the file's contents, or "error: MESSAGE"
 *   write PATH   creates PATH with "x": "ok" or "error: MESSAGE"
 * goprobe/main.go is the same program in Go. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
    char buf[4096];
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "pwd")) {
            printf("pwd: %s\n", getcwd(buf, sizeof buf) ? buf : strerror(errno));
        } else if (!strcmp(argv[i], "cat") && i + 1 < argc) {
            const char *p = argv[++i];
            FILE *f = fopen(p, "r");
            if (!f) {
                printf("cat %s: error: %s\n", p, strerror(errno));
                continue;
            }
            size_t n = fread(buf, 1, sizeof buf - 1, f);
            buf[n] = 0;
            fclose(f);
            printf("cat %s: %s\n", p, buf);
        } else if (!strcmp(argv[i], "write") && i + 1 < argc) {
            const char *p = argv[++i];
            FILE *f = fopen(p, "w");
            if (!f || fputs("x", f) < 0 || fclose(f) != 0) {
                printf("write %s: error: %s\n", p, strerror(errno));
                continue;
            }
            printf("write %s: ok\n", p);
        } else {
            printf("unknown operation %s\n", argv[i]);
            return 2;
        }
    }
    return 0;
}
