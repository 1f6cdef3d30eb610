/* dup: dup, dup2 and dup3 as wasix-libc makes them (dup2 is fd_renumber
 * in today's libc): the source stays open, the target need not be open,
 * both share the open file. */
#include <fcntl.h>
#include <stdlib.h>

#include "tap.h"

int main(void) {
    int p[2];
    char buf[16];
    check(pipe(p) == 0, "pipe");

    int d = dup(p[1]);
    check(d >= 0 && d != p[1], "dup gives a new descriptor");
    check_eq(write(d, "a", 1), 1, "write through the copy");
    check_eq(read(p[0], buf, 1), 1, "arrives at the read end");

    /* onto a target that is not open */
    int target = 40;
    close(target);
    check_eq(dup2(p[1], target), target, "dup2 onto a closed target returns it");
    check_eq(write(target, "b", 1), 1, "the target writes to the pipe");
    check_eq(write(p[1], "c", 1), 1, "the source is still open");
    check_eq(read(p[0], buf, 2), 2, "both bytes arrive");
    check(buf[0] == 'b' && buf[1] == 'c', "in order");

    /* onto a target that is open: it is replaced */
    int f = open("/tmp/dup-test", O_CREAT | O_RDWR | O_TRUNC, 0600);
    check(f >= 0, "open a file");
    check_eq(dup2(p[1], f), f, "dup2 onto an open descriptor");
    check_eq(write(f, "d", 1), 1, "it now writes to the pipe");
    check_eq(read(p[0], buf, 1), 1, "the byte comes out of the pipe");
    check(buf[0] == 'd', "it is the one written");
    check_eq(dup2(p[1], p[1]), p[1], "dup2 onto itself returns the fd");

    /* dup3: today's wasix-libc makes it fd_renumber alone, so neither
     * O_CLOEXEC nor EINVAL for old == new can be seen; the copy works */
    int t2 = 41;
    check_eq(dup3(p[1], t2, O_CLOEXEC), t2, "dup3 returns the target");
    check_eq(write(t2, "e", 1), 1, "the dup3 copy writes to the pipe");
    check_eq(read(p[0], buf, 1), 1, "and the byte arrives");
    check(fcntl(p[1], F_SETFD, FD_CLOEXEC) == 0 && (fcntl(p[1], F_GETFD) & FD_CLOEXEC) != 0, "F_SETFD sets close-on-exec");
    check((fcntl(t2, F_GETFD) & FD_CLOEXEC) == 0, "on that descriptor only");
    errno = 0;
    check(dup2(1234, 42) == -1 && errno == EBADF, "dup2 of a closed source: EBADF");

    /* shared offset through a dup of a file */
    int g = open("/tmp/dup-test2", O_CREAT | O_RDWR | O_TRUNC, 0600);
    int h = dup(g);
    write(g, "12345", 5);
    check_eq(lseek(h, 0, SEEK_CUR), 5, "a dup shares the file offset");
    close(g);
    check_eq(write(h, "6", 1), 1, "the copy survives closing the original");
    close(h);
    unlink("/tmp/dup-test");
    unlink("/tmp/dup-test2");

    /* fcntl(F_DUPFD) */
    int low = fcntl(p[1], F_DUPFD, 50);
    check(low >= 50, "F_DUPFD gives an fd >= 50 (%d)", low);
    return tap_done();
}
