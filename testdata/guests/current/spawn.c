/* spawn: posix_spawn with file actions. The parent spawns this same
 * program ("spawn child", at the path given as argv[1], default
 * /bin/spawn) with its stdout moved onto a pipe (dup2), an inherited
 * descriptor closed (close) and a file opened at fd 6 (open). The child
 * checks what it got and reports on stdout, which the parent reads. */
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>

#include "tap.h"

extern char **environ;

#define CLOSED_FD 20
#define OPENED_FD 21
#define INPUT "/tmp/spawn-input"

static int child(void) {
    /* stdout is the parent's pipe: everything here goes back to it */
    char buf[64] = {0};
    int closed = fcntl(CLOSED_FD, F_GETFD) == -1 && errno == EBADF;
    ssize_t n = read(OPENED_FD, buf, sizeof buf - 1);
    int opened = n == 11 && memcmp(buf, "spawn input", 11) == 0;
    char *v = getenv("SPAWN_VAR");
    int env = v != NULL && strcmp(v, "yes") == 0;
    printf("child closed=%d opened=%d env=%d\n", closed, opened, env);
    fflush(stdout);
    return 11;
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "child") == 0)
        return child();
    const char *path = argc > 1 ? argv[1] : "/bin/spawn";

    int f = open(INPUT, O_CREAT | O_WRONLY | O_TRUNC, 0600);
    check(f >= 0 && write(f, "spawn input", 11) == 11, "write the input file");
    close(f);

    int p[2];
    check(pipe(p) == 0, "pipe");
    /* an inherited descriptor the child must not see */
    int keep = open(INPUT, O_RDONLY);
    check(dup2(keep, CLOSED_FD) == CLOSED_FD, "fd 20 open in the parent");

    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    check(posix_spawn_file_actions_adddup2(&fa, p[1], 1) == 0, "file action dup2(pipe, 1)");
    check(posix_spawn_file_actions_addclose(&fa, CLOSED_FD) == 0, "file action close(20)");
    check(posix_spawn_file_actions_addopen(&fa, OPENED_FD, INPUT, O_RDONLY, 0) == 0, "file action open(21)");
    posix_spawn_file_actions_addclose(&fa, p[0]);

    char *args[] = {"spawn", "child", NULL};
    char *envp[] = {"SPAWN_VAR=yes", NULL};
    pid_t pid = 0;
    int r = posix_spawn(&pid, path, &fa, NULL, args, envp);
    check_eq(r, 0, "posix_spawn succeeds");
    posix_spawn_file_actions_destroy(&fa);
    close(p[1]);

    char buf[128] = {0};
    size_t got = 0;
    for (;;) {
        ssize_t n = read(p[0], buf + got, sizeof buf - 1 - got);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    check(strcmp(buf, "child closed=1 opened=1 env=1\n") == 0, "the child saw its file actions and env (%s)", buf);
    int status = 0;
    check_eq(waitpid(pid, &status, 0), pid, "waitpid reaps the spawned child");
    check(WIFEXITED(status) && WEXITSTATUS(status) == 11, "its exit status is 11 (0x%x)", status);
    check(fcntl(CLOSED_FD, F_GETFD) != -1, "the parent's fd 20 is still open");

    /* a program that does not exist */
    pid = 0;
    r = posix_spawn(&pid, "/bin/no-such-program", NULL, NULL, args, environ);
    if (r == 0) {
        waitpid(pid, &status, 0);
        check(WIFEXITED(status) && WEXITSTATUS(status) == 127, "a missing program: the child exits 127 (0x%x)", status);
    } else {
        check(r == ENOENT, "a missing program: ENOENT (%d)", r);
    }
    unlink(INPUT);
    return tap_done();
}
