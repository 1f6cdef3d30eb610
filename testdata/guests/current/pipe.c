/* pipe: pipes and SIGPIPE. A write with no reader fails with EPIPE and
 * raises SIGPIPE: ignored, the program goes on; handled, the handler runs
 * once; left at its default, the writer dies of it. The same for a socket
 * whose peer is gone. */
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "tap.h"

static volatile int got_pipe;
static void on_pipe(int sig) { got_pipe += sig == SIGPIPE; }

/* child_writes forks a child that, with SIGPIPE at its default action,
 * writes to fd (whose reader is gone); returns the child's wait status. */
static int child_writes(int fd) {
    pid_t pid = fork();
    if (pid == 0) {
        ssize_t r = write(fd, "x", 1);
        /* still alive: report what the write said */
        _exit(r < 0 && errno == EPIPE ? 42 : 43);
    }
    int status = 0;
    if (waitpid(pid, &status, 0) != pid)
        return -1;
    return status;
}

int main(void) {
    int p[2];
    char buf[16];

    /* plain pipe round trip and EOF */
    check(pipe(p) == 0, "pipe");
    check_eq(write(p[1], "hello", 5), 5, "write 5 bytes");
    check_eq(read(p[0], buf, sizeof buf), 5, "read them back");
    close(p[1]);
    check_eq(read(p[0], buf, sizeof buf), 0, "EOF once the writer is closed");
    close(p[0]);

    /* default action, before the program touched any disposition: the
     * runtime's default ends the writer with SIGPIPE */
    check(pipe(p) == 0, "pipe for the default action");
    close(p[0]);
    int st = child_writes(p[1]);
    /* wasix-libc takes every signal through its __wasm_signal, whose
     * default action for SIGPIPE prints "Program recieved termination
     * signal" and aborts: the child dies of SIGABRT (a runtime's own
     * default, for programs without that library, is SIGPIPE) */
    check(st != -1 && WIFSIGNALED(st), "a child writing to a pipe without reader dies of a signal (status 0x%x)", st);
    note("its signal: %d", st != -1 && WIFSIGNALED(st) ? WTERMSIG(st) : 0);

    /* ignored */
    signal(SIGPIPE, SIG_IGN);
    errno = 0;
    check(write(p[1], "x", 1) == -1 && errno == EPIPE, "SIGPIPE ignored: the write fails with EPIPE");
    check(1, "SIGPIPE ignored: the program goes on");

    /* handled */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_pipe;
    sigaction(SIGPIPE, &sa, NULL);
    errno = 0;
    check(write(p[1], "x", 1) == -1 && errno == EPIPE, "SIGPIPE handled: the write fails with EPIPE");
    check_eq(got_pipe, 1, "SIGPIPE handled: the handler ran once");
    close(p[1]);

    /* a stream socket whose peer closed */
    int sv[2];
    check(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair");
    close(sv[1]);
    got_pipe = 0;
    errno = 0;
    check(send(sv[0], "x", 1, 0) == -1 && errno == EPIPE, "send to a closed peer fails with EPIPE");
    check_eq(got_pipe, 1, "and raises SIGPIPE");
    close(sv[0]);

    /* a child back at the default disposition dies of it */
    signal(SIGPIPE, SIG_DFL);
    check(pipe(p) == 0, "pipe for SIG_DFL");
    close(p[0]);
    st = child_writes(p[1]);
    check(st != -1 && WIFSIGNALED(st), "after SIG_DFL a child writing to a broken pipe dies of a signal (status 0x%x)", st);
    note("its signal: %d", st != -1 && WIFSIGNALED(st) ? WTERMSIG(st) : 0);
    close(p[1]);
    return tap_done();
}
