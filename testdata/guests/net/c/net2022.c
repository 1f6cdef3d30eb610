/*
 * net2022.c - a network program of the 2022 generation (freestanding: it
 * imports everything from wasix_32v1). It echoes one connection on
 * 127.0.0.1, printing "listening PORT" first, then echoes one datagram on
 * a UDP socket ("udp PORT"), and checks the 2022 forms on the way: the
 * 20-byte addr_port, sock_type numbering (dgram 0, stream 1) and
 * sock_accept returning the peer's address.
 *
 * thread_spawn is imported with its 2022 signature (never called) so that
 * the runtime takes the program for a 2022 one.
 */
#include "legacy.h"

WX(thread_spawn)
int32_t wx2022_thread_spawn(int64_t user_data, int64_t stack_base, int64_t stack_start, int32_t reactor,
                            uint32_t *tid);

/* addr_port of 2022 and the seed: tag, pad, port (u16), 16 bytes. */
struct addr_port {
    uint8_t tag;
    uint8_t pad;
    uint16_t port;
    uint8_t addr[16];
};

WX(sock_open) int32_t wx_sock_open(int32_t af, int32_t type, int32_t proto, int32_t *fd);
WX(sock_bind) int32_t wx_sock_bind(int32_t fd, const struct addr_port *a);
WX(sock_listen) int32_t wx_sock_listen(int32_t fd, int32_t backlog);
WX(sock_accept) int32_t wx_sock_accept(int32_t fd, int32_t flags, int32_t *nfd, struct addr_port *peer);
WX(sock_addr_local) int32_t wx_sock_addr_local(int32_t fd, struct addr_port *a);
WX(sock_recv) int32_t wx_sock_recv(int32_t fd, const void *iovs, uint32_t n, int32_t flags, uint32_t *got,
                                   uint16_t *roflags);
WX(sock_send) int32_t wx_sock_send(int32_t fd, const void *iovs, uint32_t n, int32_t flags, uint32_t *sent);
WX(sock_recv_from) int32_t wx_sock_recv_from(int32_t fd, const void *iovs, uint32_t n, int32_t flags,
                                             uint32_t *got, uint16_t *roflags, struct addr_port *from);
WX(sock_send_to) int32_t wx_sock_send_to(int32_t fd, const void *iovs, uint32_t n, int32_t flags,
                                         const struct addr_port *to, uint32_t *sent);
WX(sock_get_opt_size) int32_t wx_sock_get_opt_size(int32_t fd, int32_t opt, uint64_t *v);

static void say_port(const char *what, uint16_t port) {
    char buf[32];
    int i = 0;
    for (const char *p = what; *p; p++)
        buf[i++] = *p;
    buf[i++] = ' ';
    char digits[8];
    int n = 0;
    do {
        digits[n++] = (char)('0' + port % 10);
        port /= 10;
    } while (port);
    while (n)
        buf[i++] = digits[--n];
    buf[i++] = '\n';
    struct wx_iovec iov = {buf, (uint32_t)i};
    uint32_t w;
    wx_fd_write(1, &iov, 1, &w);
}

static int32_t bound(int32_t type) {
    int32_t fd = -1;
    struct addr_port a = {.tag = 1, .addr = {127, 0, 0, 1}};
    if (!expect_ok(wx_sock_open(1, type, 0, &fd), "sock_open") ||
        !expect_ok(wx_sock_bind(fd, &a), "sock_bind"))
        wx_proc_exit(1);
    return fd;
}

static int guest_main(int argc, char **argv) {
    if (legacy_never) {
        uint32_t tid;
        wx2022_thread_spawn(0, 0, 0, 0, &tid);
    }
    int32_t ln = bound(1);
    expect_ok(wx_sock_listen(ln, 4), "sock_listen");
    struct addr_port local;
    expect_ok(wx_sock_addr_local(ln, &local), "sock_addr_local");
    expect(local.tag == 1 && local.addr[0] == 127, "sock_addr_local is 127.0.0.1", "tag %u", local.tag);
    uint64_t type = 9;
    expect_ok(wx_sock_get_opt_size(ln, 25, &type), "sock_get_opt_size(type)");
    expect_u64(type, 1, "a stream socket's type is 1 in 2022");
    say_port("listening", local.port);

    int32_t c = -1;
    struct addr_port peer;
    if (!expect_ok(wx_sock_accept(ln, 0, &c, &peer), "sock_accept"))
        return 1;
    expect(peer.tag == 1 && peer.addr[0] == 127 && peer.port != 0, "sock_accept gives the peer", "tag %u", peer.tag);
    char buf[4096];
    for (;;) {
        struct wx_iovec iov = {buf, sizeof buf};
        uint32_t got = 0, sent = 0;
        uint16_t ro;
        if (!expect_ok(wx_sock_recv(c, &iov, 1, 0, &got, &ro), "sock_recv"))
            return 1;
        if (got == 0)
            break;
        struct wx_iovec out = {buf, got};
        if (!expect_ok(wx_sock_send(c, &out, 1, 0, &sent), "sock_send") || sent != got)
            return 1;
    }
    wx_fd_close(c);

    int32_t u = bound(0);
    expect_ok(wx_sock_addr_local(u, &local), "sock_addr_local (udp)");
    expect_ok(wx_sock_get_opt_size(u, 25, &type), "sock_get_opt_size(type) (udp)");
    expect_u64(type, 0, "a datagram socket's type is 0 in 2022");
    say_port("udp", local.port);
    struct wx_iovec iov = {buf, sizeof buf};
    uint32_t got = 0, sent = 0;
    uint16_t ro;
    struct addr_port from;
    if (expect_ok(wx_sock_recv_from(u, &iov, 1, 0, &got, &ro, &from), "sock_recv_from")) {
        struct wx_iovec out = {buf, got};
        expect_ok(wx_sock_send_to(u, &out, 1, 0, &from, &sent), "sock_send_to");
    }
    return check_done();
}
