/* fork: asyncify fork of today's wasix-libc. The child gets a copy of the
 * memory, its own pid, the parent's descriptors; the parent reaps it with
 * waitpid and reads its exit status or the signal that ended it. */
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>

#include "tap.h"

static int counter = 1;

int main(void) {
    int p[2];
    pid_t parent = getpid();
    check(pipe(p) == 0, "pipe");

    pid_t pid = fork();
    if (pid == 0) {
        /* child: exit status 0 means every check held */
        counter = 2;
        int ok = getpid() != parent && getppid() == parent;
        char msg[32];
        int n = snprintf(msg, sizeof msg, "child %d", ok);
        close(p[0]);
        if (write(p[1], msg, (size_t)n) != n)
            _exit(3);
        _exit(7);
    }
    check(pid > 0, "fork returns the child's pid to the parent");
    close(p[1]);
    char buf[64] = {0};
    ssize_t n = read(p[0], buf, sizeof buf - 1);
    check(n > 0 && strcmp(buf, "child 1") == 0, "the child wrote through the inherited pipe (%s)", buf);
    int status = 0;
    check_eq(waitpid(pid, &status, 0), pid, "waitpid returns the child's pid");
    check(WIFEXITED(status) && WEXITSTATUS(status) == 7, "the child's exit status is 7 (status 0x%x)", status);
    check_eq(counter, 1, "the child's write to memory is not seen by the parent");
    close(p[0]);

    /* several children, reaped with waitpid(-1) in any order */
    int sum = 0;
    for (int i = 1; i <= 3; i++) {
        pid_t c = fork();
        if (c == 0)
            _exit(10 * i);
        check(c > 0, "fork child %d", i);
    }
    for (int i = 0; i < 3; i++) {
        if (waitpid(-1, &status, 0) > 0 && WIFEXITED(status))
            sum += WEXITSTATUS(status);
    }
    check_eq(sum, 60, "waitpid(-1) reaps the three children (10+20+30)");
    errno = 0;
    check(waitpid(-1, &status, 0) == -1 && errno == ECHILD, "no child left: ECHILD");

    /* WNOHANG on a child that is still running */
    int q[2];
    pipe(q);
    pid = fork();
    if (pid == 0) {
        char c;
        close(q[1]);
        read(q[0], &c, 1); /* waits for the parent */
        _exit(0);
    }
    close(q[0]);
    check_eq(waitpid(pid, &status, WNOHANG), 0, "WNOHANG on a running child returns 0");
    write(q[1], "x", 1);
    close(q[1]);
    check_eq(waitpid(pid, &status, 0), pid, "then waitpid reaps it");

    /* a child killed by SIGKILL while blocked in read */
    pipe(q);
    pid = fork();
    if (pid == 0) {
        char c;
        close(q[1]);
        read(q[0], &c, 1);
        _exit(0);
    }
    close(q[0]);
    check(kill(pid, SIGKILL) == 0, "kill(child, SIGKILL)");
    check_eq(waitpid(pid, &status, 0), pid, "waitpid reaps the killed child");
    check(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "the child ended by SIGKILL (status 0x%x)", status);
    close(q[1]);

    /* a child of a child */
    pid = fork();
    if (pid == 0) {
        pid_t g = fork();
        if (g == 0)
            _exit(5);
        int st;
        if (waitpid(g, &st, 0) != g || !WIFEXITED(st))
            _exit(1);
        _exit(WEXITSTATUS(st) + 1);
    }
    check_eq(waitpid(pid, &status, 0), pid, "waitpid reaps the middle child");
    check(WIFEXITED(status) && WEXITSTATUS(status) == 6, "the grandchild's status came up through its parent (0x%x)", status);
    return tap_done();
}
