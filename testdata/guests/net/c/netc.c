// netc: the C test guest of the networking tests, built with wasi-libc.
// The WASIX socket calls of today's generation are declared by hand.
//
//   netc echo HOST N     echo N connections (read/write), printing "listening PORT"
//   netc epoll N         like echo, waiting with epoll_wait and poll(2)
//   netc dial PORT MSG   non-blocking connect to 127.0.0.1:PORT, poll, send, receive
//   netc udp N           echo N datagrams on 127.0.0.1 (recv_from/send_to)
//   netc pair            sock_pair round trip
//   netc bad             bad pointers and values give EFAULT/EINVAL
//   netc port            the virtual interface: addresses, routes, gateway, MAC
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wasi/api.h>

#define WASIX(name) __attribute__((import_module("wasix_32v1"), import_name(#name)))

// addr_port of today's WASIX: 110 bytes, tag at 0, payload at 2.
typedef struct {
	uint8_t tag;
	uint8_t pad;
	uint8_t u[108];
} addr_port;

typedef struct {
	uint32_t events;
	uint32_t pad;
	uint32_t ptr, fd, data1, pad2;
	uint64_t data2;
} epoll_event;

WASIX(sock_open) int32_t sock_open(int32_t af, int32_t type, int32_t proto, int32_t *fd);
WASIX(sock_bind) int32_t sock_bind(int32_t fd, const addr_port *a);
WASIX(sock_listen) int32_t sock_listen(int32_t fd, int32_t backlog);
WASIX(sock_accept_v2) int32_t sock_accept_v2(int32_t fd, int32_t flags, int32_t *nfd, addr_port *a);
WASIX(sock_connect) int32_t sock_connect(int32_t fd, const addr_port *a);
WASIX(sock_addr_local) int32_t sock_addr_local(int32_t fd, addr_port *a);
WASIX(sock_status) int32_t sock_status(int32_t fd, uint8_t *st);
WASIX(sock_recv_from) int32_t sock_recv_from(int32_t fd, const __wasi_iovec_t *iov, int32_t n, int32_t fl,
                                             int32_t *got, uint16_t *ro, addr_port *from);
WASIX(sock_send_to) int32_t sock_send_to(int32_t fd, const __wasi_ciovec_t *iov, int32_t n, int32_t fl,
                                         const addr_port *to, int32_t *sent);
WASIX(sock_pair) int32_t sock_pair(int32_t af, int32_t type, int32_t proto, int32_t *a, int32_t *b);
// addr_cidr (28 bytes) and route (176 bytes) of today's WASIX.
typedef struct {
	uint8_t tag;
	uint8_t pad;
	uint8_t u[26];
} addr_cidr;
typedef struct {
	uint8_t tag;
	uint8_t pad;
	uint8_t u[108];
} addr_t;
typedef struct {
	addr_cidr cidr;
	addr_t via;
	uint8_t pad[6];
	struct { uint8_t tag; uint8_t pad[7]; uint64_t v; } preferred, expires;
} route_t;
_Static_assert(sizeof(route_t) == 176, "route is 176 bytes");

WASIX(port_addr_add) int32_t port_addr_add(const addr_cidr *c);
WASIX(port_addr_list) int32_t port_addr_list(addr_cidr *c, int32_t *n);
WASIX(port_addr_remove) int32_t port_addr_remove(const addr_t *a);
WASIX(port_addr_clear) int32_t port_addr_clear(void);
WASIX(port_mac) int32_t port_mac(uint8_t *mac);
WASIX(port_gateway_set) int32_t port_gateway_set(const addr_t *a);
WASIX(port_route_list) int32_t port_route_list(route_t *r, int32_t *n);
WASIX(port_route_add) int32_t port_route_add(const addr_cidr *c, const addr_t *via, const void *pref, const void *exp);
WASIX(port_route_clear) int32_t port_route_clear(void);
WASIX(port_bridge) int32_t port_bridge(const char *net, int32_t netlen, const char *tok, int32_t toklen, int32_t sec);
WASIX(epoll_create) int32_t epoll_create(int32_t *fd);
WASIX(epoll_ctl) int32_t epoll_ctl(int32_t epfd, int32_t op, int32_t fd, const epoll_event *ev);
WASIX(epoll_wait) int32_t epoll_wait(int32_t epfd, epoll_event *evs, int32_t n, uint64_t timeout, int32_t *got);

enum { AF4 = 1, AF6 = 2, UNIX = 3, STREAM = 1, DGRAM = 2 };
enum { E_AGAIN = 6, E_FAULT = 21, E_INPROGRESS = 26, E_INVAL = 28 };

static void die(const char *what, int e) {
	fprintf(stderr, "netc: %s: errno %d\n", what, e);
	exit(1);
}

#define CHECK(call) do { int32_t e_ = (call); if (e_) die(#call, e_); } while (0)

static addr_port loop_addr(int six, uint16_t port) {
	addr_port a;
	memset(&a, 0, sizeof a);
	a.tag = six ? AF6 : AF4;
	memcpy(a.u, &port, 2); // the guest's own (little-endian) u16
	if (six)
		a.u[17] = 1; // ::1
	else {
		a.u[2] = 127;
		a.u[5] = 1;
	}
	return a;
}

static uint16_t port_of(const addr_port *a) {
	uint16_t p;
	memcpy(&p, a->u, 2);
	return p;
}

static int32_t listener(int six) {
	int32_t fd;
	CHECK(sock_open(six ? AF6 : AF4, STREAM, 0, &fd));
	addr_port a = loop_addr(six, 0);
	CHECK(sock_bind(fd, &a));
	CHECK(sock_listen(fd, 16));
	addr_port got;
	CHECK(sock_addr_local(fd, &got));
	printf("listening %u\n", port_of(&got));
	fflush(stdout);
	return fd;
}

static void echo_fd(int32_t c) {
	static char buf[256 << 10]; // as the native echo of the benchmarks
	for (;;) {
		ssize_t n = read(c, buf, sizeof buf);
		if (n < 0)
			die("read", errno);
		if (n == 0)
			break;
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(c, buf + off, n - off);
			if (w < 0)
				die("write", errno);
			off += w;
		}
	}
	close(c);
}

static int cmd_echo(int six, int n) {
	int32_t fd = listener(six);
	for (int i = 0; i < n; i++) {
		int32_t c;
		addr_port peer;
		CHECK(sock_accept_v2(fd, 0, &c, &peer));
		if (peer.tag != (six ? AF6 : AF4))
			die("peer family", peer.tag);
		echo_fd(c);
	}
	return 0;
}

static int cmd_epoll(int n) {
	int32_t fd = listener(0);
	int32_t ep;
	CHECK(epoll_create(&ep));
	epoll_event ev = {.events = 1 /* EPOLLIN */, .fd = (uint32_t)fd};
	CHECK(epoll_ctl(ep, 0, fd, &ev));
	for (int i = 0; i < n; i++) {
		epoll_event out[4];
		int32_t got;
		CHECK(epoll_wait(ep, out, 4, ~0ull, &got));
		if (got != 1 || out[0].fd != (uint32_t)fd)
			die("epoll_wait on the listener", got);
		int32_t c;
		addr_port peer;
		CHECK(sock_accept_v2(fd, 0, &c, &peer));
		epoll_event cev = {.events = 1, .fd = (uint32_t)c, .data2 = 42};
		CHECK(epoll_ctl(ep, 0, c, &cev));
		CHECK(epoll_wait(ep, out, 4, ~0ull, &got));
		if (got != 1 || out[0].fd != (uint32_t)c || out[0].data2 != 42 || !(out[0].events & 1))
			die("epoll_wait on data", got);
		printf("epoll woke\n");
		fflush(stdout);
		CHECK(epoll_ctl(ep, 2, c, NULL));
		// Then poll(2), i.e. poll_oneoff, for the rest.
		struct pollfd p = {.fd = c, .events = POLLIN};
		char buf[4096];
		ssize_t r = read(c, buf, sizeof buf);
		if (r <= 0)
			die("read", errno);
		if (write(c, buf, r) != r)
			die("write", errno);
		if (poll(&p, 1, 10000) != 1 || !(p.revents & POLLIN))
			die("poll", errno);
		printf("poll woke\n");
		fflush(stdout);
		echo_fd(c);
	}
	return 0;
}

static int cmd_dial(int port, const char *msg) {
	int32_t fd;
	CHECK(sock_open(AF4, STREAM, 0, &fd));
	if (fcntl(fd, F_SETFL, O_NONBLOCK) < 0)
		die("fcntl", errno);
	addr_port a = loop_addr(0, (uint16_t)port);
	int32_t e = sock_connect(fd, &a);
	if (e != 0 && e != E_INPROGRESS)
		die("sock_connect", e);
	struct pollfd p = {.fd = fd, .events = POLLOUT};
	if (poll(&p, 1, 10000) != 1)
		die("poll for the connection", errno);
	uint8_t st;
	CHECK(sock_status(fd, &st));
	if (st != 1)
		die("sock_status", st);
	size_t len = strlen(msg);
	if (write(fd, msg, len) != (ssize_t)len)
		die("write", errno);
	char buf[256];
	size_t got = 0;
	while (got < len) {
		p.events = POLLIN;
		if (poll(&p, 1, 10000) != 1)
			die("poll for the reply", errno);
		ssize_t r = read(fd, buf + got, sizeof buf - 1 - got);
		if (r <= 0)
			die("read", errno);
		got += r;
	}
	buf[got] = 0;
	printf("reply %s in progress=%d\n", buf, e == E_INPROGRESS);
	return 0;
}

static int cmd_udp(int n) {
	int32_t fd;
	CHECK(sock_open(AF4, DGRAM, 0, &fd));
	addr_port a = loop_addr(0, 0);
	CHECK(sock_bind(fd, &a));
	addr_port got;
	CHECK(sock_addr_local(fd, &got));
	printf("listening %u\n", port_of(&got));
	fflush(stdout);
	for (int i = 0; i < n; i++) {
		char buf[2048];
		__wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf};
		int32_t len;
		uint16_t ro;
		addr_port from;
		CHECK(sock_recv_from(fd, &iov, 1, 0, &len, &ro, &from));
		__wasi_ciovec_t ciov = {(const uint8_t *)buf, (size_t)len};
		int32_t sent;
		CHECK(sock_send_to(fd, &ciov, 1, 0, &from, &sent));
	}
	return 0;
}

static int cmd_pair(void) {
	int32_t a, b;
	CHECK(sock_pair(UNIX, STREAM, 0, &a, &b));
	if (write(a, "pair", 4) != 4)
		die("write", errno);
	char buf[8];
	if (read(b, buf, sizeof buf) != 4 || memcmp(buf, "pair", 4))
		die("read", errno);
	printf("pair ok\n");
	return 0;
}

static int fails = 0;

static void expect(const char *what, int32_t got, int32_t want) {
	if (got != want) {
		fprintf(stderr, "netc: %s: got %d, want %d\n", what, got, want);
		fails++;
	}
}

static int cmd_bad(void) {
	int32_t fd, nfd;
	const addr_port *wild = (const addr_port *)(uintptr_t)0xfffffff0u;
	expect("sock_open bad type", sock_open(AF4, 9, 0, &fd), E_INVAL);
	expect("sock_open bad out", sock_open(AF4, STREAM, 0, (int32_t *)(uintptr_t)0xfffffffdu), E_FAULT);
	CHECK(sock_open(AF4, STREAM, 0, &fd));
	expect("sock_bind bad pointer", sock_bind(fd, wild), E_FAULT);
	addr_port a = loop_addr(0, 0);
	a.tag = 9;
	expect("sock_bind bad family", sock_bind(fd, &a), E_INVAL);
	a = loop_addr(0, 0);
	a.tag = 3; // unix, without a NUL in 108 bytes
	memset(a.u, 'x', sizeof a.u);
	expect("sock_bind unterminated path", sock_bind(fd, &a), E_INVAL);
	expect("sock_connect bad pointer", sock_connect(fd, wild), E_FAULT);
	addr_port peer;
	expect("accept_v2 bad addr out", sock_accept_v2(fd, 0, &nfd, (addr_port *)(uintptr_t)0xffffff00u), E_FAULT);
	__wasi_iovec_t iov = {(uint8_t *)(uintptr_t)0xfffff000u, 0x10000};
	int32_t len;
	uint16_t ro;
	expect("recv_from bad iovec", sock_recv_from(fd, &iov, 1, 0, &len, &ro, &peer), E_FAULT);
	expect("recv_from bad flags", sock_recv_from(fd, &iov, 0, 0x100, &len, &ro, &peer), E_INVAL);
	int32_t ep;
	CHECK(epoll_create(&ep));
	epoll_event evs[1];
	int32_t got;
	expect("epoll_wait bad count", epoll_wait(ep, evs, 0x7fffffff, 0, &got), E_FAULT);
	expect("epoll_ctl bad op", epoll_ctl(ep, 7, fd, evs), E_INVAL);
	if (fails)
		return 1;
	printf("bad ok\n");
	return 0;
}

static int cmd_port(void) {
	uint8_t mac[6];
	CHECK(port_mac(mac));
	expect("MAC is locally administered unicast", mac[0] & 3, 2);
	CHECK(port_addr_clear());
	addr_cidr c = {.tag = AF4};
	c.u[0] = 10, c.u[3] = 7, c.u[4] = 24; // 10.0.0.7/24
	CHECK(port_addr_add(&c));
	addr_cidr list[4];
	int32_t n = 4;
	CHECK(port_addr_list(list, &n));
	expect("one address", n, 1);
	expect("its prefix", list[0].u[4], 24);
	n = 0;
	expect("no room gives EOVERFLOW", port_addr_list(list, &n), 61);
	expect("and the count", n, 1);
	addr_t gw = {.tag = AF4};
	gw.u[0] = 10, gw.u[3] = 1;
	CHECK(port_gateway_set(&gw));
	CHECK(port_route_clear());
	addr_cidr net6 = {.tag = AF6};
	net6.u[0] = 0xfd, net6.u[24] = 8; // fd00::/8
	addr_t via = {.tag = AF6};
	via.u[0] = 0xfd, via.u[15] = 1;
	struct { uint8_t tag; uint8_t pad[7]; uint64_t v; } none = {0}, until = {1, {0}, 12345};
	CHECK(port_route_add(&net6, &via, &until, &none));
	route_t routes[4];
	n = 4;
	CHECK(port_route_list(routes, &n));
	expect("one route", n, 1);
	expect("route prefix", routes[0].cidr.u[24], 8);
	expect("route via", routes[0].via.u[15], 1);
	expect("preferred until", (int32_t)routes[0].preferred.v, 12345);
	expect("no expiry", routes[0].expires.tag, 0);
	addr_t a = {.tag = AF4};
	a.u[0] = 10, a.u[3] = 7;
	CHECK(port_addr_remove(&a));
	expect("bridging is not supported", port_bridge("n", 1, "t", 1, 1), 58);
	if (fails)
		return 1;
	printf("port ok\n");
	return 0;
}

int main(int argc, char **argv) {
	if (argc < 2)
		die("usage", 0);
	const char *cmd = argv[1];
	int n = argc > 2 ? atoi(argv[argc - 1]) : 1;
	if (!strcmp(cmd, "echo"))
		return cmd_echo(argc > 2 && !strcmp(argv[2], "::1"), n);
	if (!strcmp(cmd, "epoll"))
		return cmd_epoll(n);
	if (!strcmp(cmd, "dial") && argc > 3)
		return cmd_dial(atoi(argv[2]), argv[3]);
	if (!strcmp(cmd, "udp"))
		return cmd_udp(n);
	if (!strcmp(cmd, "pair"))
		return cmd_pair();
	if (!strcmp(cmd, "bad"))
		return cmd_bad();
	if (!strcmp(cmd, "port"))
		return cmd_port();
	die("unknown command", 0);
}
