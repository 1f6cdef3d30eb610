/* sigwait: a signal with a handler that arrives while the main thread is
 * blocked in waitpid. The handler runs, and the wait goes on to reap the
 * child. Also SIGCHLD handled, and an interval timer firing during the
 * wait. (SIGCHLD is not checked: the runtime does not send it.) */
#include <signal.h>
#include <stdlib.h>
#include <sys/time.h>
#include <sys/wait.h>

#include "tap.h"

static volatile int got_term, got_usr1, got_chld, got_alrm;
static void on_sig(int sig) {
    switch (sig) {
    case SIGTERM: got_term++; break;
    case SIGUSR1: got_usr1++; break;
    case SIGCHLD: got_chld++; break;
    case SIGALRM: got_alrm++; break;
    }
}

/* wait_for reaps pid, retrying on EINTR as portable programs do; returns
 * the status, or -1. */
static int wait_for(pid_t pid, int *eintr) {
    int status = 0;
    for (;;) {
        pid_t r = waitpid(pid, &status, 0);
        if (r == pid)
            return status;
        if (r == -1 && errno == EINTR) {
            (*eintr)++;
            continue;
        }
        return -1;
    }
}

int main(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sig;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGUSR1, &sa, NULL);
    sigaction(SIGCHLD, &sa, NULL);
    sigaction(SIGALRM, &sa, NULL);

    /* the child signals its parent, then waits to be told to exit */
    int go[2];
    pipe(go);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        close(go[1]);
        usleep(50000); /* let the parent block in waitpid first */
        kill(parent, SIGTERM);
        kill(parent, SIGUSR1);
        usleep(50000);
        _exit(9);
    }
    close(go[0]);
    int eintr = 0;
    int st = wait_for(pid, &eintr);
    check(st != -1, "waitpid reaps the child after the signals");
    check(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 9, "with its exit status 9 (0x%x)", st);
    check_eq(got_term, 1, "the SIGTERM handler ran");
    check_eq(got_usr1, 1, "the SIGUSR1 handler ran");
    note("SIGCHLD handler ran %d times", got_chld);
    note("waitpid returned EINTR %d times", eintr);
    close(go[1]);

    /* an interval timer firing repeatedly while the parent waits */
    pid = fork();
    if (pid == 0) {
        usleep(300000);
        _exit(4);
    }
    struct itimerval it = {{0, 20000}, {0, 20000}};
    check(setitimer(ITIMER_REAL, &it, NULL) == 0, "setitimer 20ms interval");
    eintr = 0;
    st = wait_for(pid, &eintr);
    struct itimerval off = {{0, 0}, {0, 0}};
    setitimer(ITIMER_REAL, &off, NULL);
    check(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 4, "waitpid reaps the child while SIGALRM fires (0x%x)", st);
    check(got_alrm >= 2, "SIGALRM ran its handler during the wait (%d times)", got_alrm);
    note("waitpid returned EINTR %d times", eintr);

    /* the raw call, as wasix-libc's waitpid makes it, without a retry */
    got_term = 0;
    pid = fork();
    if (pid == 0) {
        usleep(50000);
        kill(parent, SIGTERM);
        usleep(50000);
        _exit(3);
    }
    int status = 0;
    pid_t r = waitpid(pid, &status, 0);
    check_eq(r, pid, "a single waitpid call survives a handled SIGTERM");
    check(WIFEXITED(status) && WEXITSTATUS(status) == 3, "and reports status 3 (0x%x)", status);
    check_eq(got_term, 1, "the handler ran during that call");
    return tap_done();
}
