/* socketpair: AF_UNIX stream and datagram pairs as wasix-libc makes them
 * (it passes protocol 6 for a stream and 17 for a datagram), both
 * directions, flags, shutdown and EOF. */
#include <fcntl.h>
#include <stdlib.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "tap.h"

int main(void) {
    int sv[2];
    char buf[64];
    check(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair(AF_UNIX, SOCK_STREAM, 0)");
    check_eq(write(sv[0], "ping", 4), 4, "write one way");
    check_eq(read(sv[1], buf, sizeof buf), 4, "read it");
    check(memcmp(buf, "ping", 4) == 0, "same bytes");
    check_eq(send(sv[1], "pong!", 5, 0), 5, "send the other way");
    check_eq(recv(sv[0], buf, sizeof buf, 0), 5, "recv it");
    shutdown(sv[0], SHUT_WR);
    check_eq(read(sv[1], buf, sizeof buf), 0, "shutdown(SHUT_WR) gives EOF to the peer");
    check_eq(write(sv[1], "back", 4), 4, "the other direction still works");
    check_eq(read(sv[0], buf, sizeof buf), 4, "and is read");
    close(sv[0]);
    close(sv[1]);

    check(socketpair(AF_UNIX, SOCK_STREAM, IPPROTO_TCP, sv) == 0, "socketpair with the protocol given as IPPROTO_TCP");
    close(sv[0]);
    close(sv[1]);

    check(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0, "socketpair(AF_UNIX, SOCK_DGRAM, 0)");
    send(sv[0], "one", 3, 0);
    send(sv[0], "three", 5, 0);
    check_eq(recv(sv[1], buf, sizeof buf, 0), 3, "datagram boundaries kept (first)");
    check_eq(recv(sv[1], buf, sizeof buf, 0), 5, "datagram boundaries kept (second)");
    close(sv[0]);
    close(sv[1]);

    /* today's wasix-libc drops SOCK_NONBLOCK and SOCK_CLOEXEC in
     * socketpair; fcntl sets them */
    check(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair for fcntl");
    check(fcntl(sv[0], F_SETFL, O_NONBLOCK) == 0, "fcntl(F_SETFL, O_NONBLOCK)");
    errno = 0;
    check(read(sv[0], buf, sizeof buf) == -1 && errno == EAGAIN, "nonblocking: EAGAIN when empty");
    check(fcntl(sv[1], F_SETFD, FD_CLOEXEC) == 0, "fcntl(F_SETFD, FD_CLOEXEC)");
    check((fcntl(sv[1], F_GETFD) & FD_CLOEXEC) != 0, "FD_CLOEXEC reads back");
    check((fcntl(sv[0], F_GETFL) & O_NONBLOCK) != 0, "O_NONBLOCK reads back");
    close(sv[0]);
    close(sv[1]);

    errno = 0;
    check(socketpair(AF_UNIX, SOCK_DGRAM, IPPROTO_TCP, sv) == -1, "TCP over a datagram pair is refused (errno %d)", errno);
    return tap_done();
}
