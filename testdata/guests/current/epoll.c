/* epoll: the interest list with Linux's op numbers (wasix-libc passes
 * EPOLL_CTL_ADD=1, DEL=2, MOD=3 unchanged) over an eventfd, a pipe and a
 * socket pair; level triggering, EPOLLONESHOT, timeouts, the data given
 * back. */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

#include "tap.h"

/* ctl_errno is the error of an epoll_ctl call: today's wasix-libc returns
 * the WASI errno itself rather than -1 with errno set. */
static int ctl_errno(int r) { return r == 0 ? 0 : r == -1 ? errno : r; }

int main(void) {
    struct epoll_event ev, out[8];
    int ep = epoll_create1(0);
    check(ep >= 0, "epoll_create1");

    int efd = eventfd(0, EFD_NONBLOCK);
    check(efd >= 0, "eventfd");
    memset(&ev, 0, sizeof ev);
    ev.events = EPOLLIN;
    ev.data.fd = efd;
    check(epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev) == 0, "EPOLL_CTL_ADD an eventfd");
    /* Linux says EEXIST; under WASIX, ADD (1) is also the witx "mod", and
     * the runtime, as Wasmer, re-registers */
    check(epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev) == 0, "adding it twice re-registers it");
    check_eq(epoll_wait(ep, out, 8, 0), 0, "nothing ready: epoll_wait(0) returns 0");

    uint64_t one = 1;
    check_eq(write(efd, &one, 8), 8, "eventfd write");
    int n = epoll_wait(ep, out, 8, 1000);
    check_eq(n, 1, "the eventfd is ready");
    check(n == 1 && (out[0].events & EPOLLIN), "with EPOLLIN");
    check(n == 1 && out[0].data.fd == efd, "and the data given at ADD");
    check_eq(epoll_wait(ep, out, 8, 0), 1, "level-triggered: still ready until read");
    uint64_t v = 0;
    check_eq(read(efd, &v, 8), 8, "eventfd read");
    check_eq(epoll_wait(ep, out, 8, 0), 0, "after the read nothing is ready");

    /* MOD changes the data and the events */
    ev.events = EPOLLIN | EPOLLOUT;
    ev.data.fd = 77;
    check(epoll_ctl(ep, EPOLL_CTL_MOD, efd, &ev) == 0, "EPOLL_CTL_MOD");
    n = epoll_wait(ep, out, 8, 0);
    check(n == 1 && (out[0].events & EPOLLOUT) && out[0].data.fd == 77, "MOD took effect: EPOLLOUT with data 77");

    /* DEL */
    check(epoll_ctl(ep, EPOLL_CTL_DEL, efd, NULL) == 0, "EPOLL_CTL_DEL");
    check_eq(epoll_wait(ep, out, 8, 0), 0, "a deleted descriptor is not reported");
    check_eq(ctl_errno(epoll_ctl(ep, EPOLL_CTL_DEL, efd, NULL)), ENOENT, "deleting it again: ENOENT");
    ev.events = EPOLLIN;
    check_eq(ctl_errno(epoll_ctl(ep, EPOLL_CTL_MOD, efd, &ev)), ENOENT, "MOD of an fd not in the list: ENOENT");
    check_eq(ctl_errno(epoll_ctl(ep, 99, efd, &ev)), EINVAL, "an unknown op: EINVAL");

    /* sockets: a socket pair, readable when the peer sends */
    int sv[2];
    check(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair");
    ev.events = EPOLLIN;
    ev.data.fd = sv[0];
    check(epoll_ctl(ep, EPOLL_CTL_ADD, sv[0], &ev) == 0, "add a socket");
    check_eq(epoll_wait(ep, out, 8, 20), 0, "an idle socket is not ready (20ms timeout)");
    check_eq(send(sv[1], "ping", 4, 0), 4, "the peer sends");
    n = epoll_wait(ep, out, 8, 1000);
    check(n == 1 && out[0].data.fd == sv[0] && (out[0].events & EPOLLIN), "the socket is readable");
    char buf[8];
    check_eq(recv(sv[0], buf, sizeof buf, 0), 4, "recv the 4 bytes");

    /* EPOLLONESHOT: reported once, then disarmed until MOD */
    ev.events = EPOLLIN | EPOLLONESHOT;
    ev.data.fd = sv[0];
    check(epoll_ctl(ep, EPOLL_CTL_MOD, sv[0], &ev) == 0, "MOD to EPOLLONESHOT");
    send(sv[1], "a", 1, 0);
    check_eq(epoll_wait(ep, out, 8, 1000), 1, "oneshot: reported once");
    check_eq(epoll_wait(ep, out, 8, 0), 0, "then disarmed");
    check(epoll_ctl(ep, EPOLL_CTL_MOD, sv[0], &ev) == 0, "MOD re-arms it");
    check_eq(epoll_wait(ep, out, 8, 1000), 1, "reported again");
    recv(sv[0], buf, sizeof buf, 0);

    /* hang-up when the peer closes */
    close(sv[1]);
    ev.events = EPOLLIN | EPOLLRDHUP;
    check(epoll_ctl(ep, EPOLL_CTL_MOD, sv[0], &ev) == 0, "MOD for hang-up");
    n = epoll_wait(ep, out, 8, 1000);
    check(n == 1 && (out[0].events & (EPOLLHUP | EPOLLRDHUP | EPOLLIN)), "the closed peer is reported (events 0x%x)", n == 1 ? out[0].events : 0);

    /* a pipe and an eventfd together, a blocking wait woken by the other
     * end written before */
    int p[2];
    pipe(p);
    ev.events = EPOLLIN;
    ev.data.fd = p[0];
    check(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev) == 0, "add a pipe");
    epoll_ctl(ep, EPOLL_CTL_DEL, sv[0], NULL);
    ev.data.fd = efd;
    epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev);
    write(p[1], "z", 1);
    write(efd, &one, 8);
    n = epoll_wait(ep, out, 8, 1000);
    int seen = 0;
    for (int i = 0; i < n; i++)
        seen |= (out[i].data.fd == p[0] ? 1 : 0) | (out[i].data.fd == efd ? 2 : 0);
    check(n == 2 && seen == 3, "both the pipe and the eventfd are reported (%d events)", n);
    check_eq(epoll_wait(ep, out, 1, 0), 1, "maxevents 1 returns one of them");
    close(ep);
    return tap_done();
}
