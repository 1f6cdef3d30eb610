/* Sockets and readiness. After Wasmer's tests/wasix fd-close, fd_pipe,
 * socket_pair, epoll-create-ctl-wait, udp and udp-addr-reuse, and
 * lib/wasix/tests/epoll_prune_on_close.rs; plus TCP over loopback and
 * getaddrinfo. The network is loopback only: where Wasmer binds the
 * wildcard address, these bind 127.0.0.1 or ::1. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/select.h>
#include <sys/socket.h>

#include "w.h"

/* fd-close: closing a socket twice fails with EBADF; a directory closes. */
static int t_fd_close(int argc, char **argv) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0, "socket");
  REQUIRE(close(fd) == 0, "close");
  errno = 0;
  REQUIRE(close(fd) == -1 && errno == EBADF, "second close");
  fd = open("/tmp", O_RDONLY | O_DIRECTORY);
  REQUIRE(fd >= 0 && close(fd) == 0, "directory");
  return 0;
}

/* fd_pipe: a socket pair carries bytes both ways. */
static int t_fd_pipe(int argc, char **argv) {
  int s[2], status = EXIT_FAILURE;
  char buf[1024] = {0};
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, s) == 0 && write(s[0], "foo", 3) == 3 && read(s[1], buf, sizeof buf) == 3 &&
      memcmp(buf, "foo", 3) == 0 && write(s[1], "bar", 3) == 3 && read(s[0], buf, sizeof buf) == 3 &&
      memcmp(buf, "bar", 3) == 0)
    status = EXIT_SUCCESS;
  printf("%d", status);
  return status;
}

/* socket_pair: select says when each end can be written and read;
 * send/recv; an edge-triggered epoll in another thread sees each of three
 * sends as one event, then EOF when the other end closes. Wasmer's sender
 * sleeps between sends; this one waits for the reader to take each. */
static int talk(int from, int to) {
  struct timeval zero = {0, 0};
  fd_set set;
  char buf[32];
  FD_ZERO(&set);
  FD_SET(to, &set);
  REQUIRE(select(to + 1, NULL, &set, NULL, &zero) == 1 && FD_ISSET(to, &set), "select writable");
  REQUIRE(write(to, "foo", 3) == 3, "write");
  FD_ZERO(&set);
  FD_SET(from, &set);
  REQUIRE(select(from + 1, &set, NULL, NULL, &zero) == 1 && FD_ISSET(from, &set), "select readable");
  REQUIRE(read(from, buf, sizeof buf) == 3 && memcmp(buf, "foo", 3) == 0, "read");
  FD_ZERO(&set);
  FD_SET(from, &set);
  REQUIRE(select(from + 1, &set, NULL, NULL, &zero) == 0, "select after draining");
  REQUIRE(send(to, "bar", 3, 0) == 3 && recv(from, buf, sizeof buf, 0) == 3 && memcmp(buf, "bar", 3) == 0, "send/recv");
  return 0;
}
struct et {
  int ep, fd, ack;
  int sum, events, eof;
};
static void *et_reader(void *arg) {
  struct et *e = arg;
  struct epoll_event ev[4];
  while (!e->eof) {
    int n = epoll_wait(e->ep, ev, 4, -1);
    if (n <= 0)
      return NULL;
    for (int i = 0; i < n; i++) {
      e->events++;
      char buf[64];
      ssize_t r;
      /* edge-triggered: read until EAGAIN, or this edge is lost */
      while ((r = read(e->fd, buf, sizeof buf - 1)) > 0) {
        buf[r] = 0;
        e->sum += atoi(buf);
      }
      if (r == 0)
        e->eof = 1;
      else if (errno != EAGAIN)
        return NULL;
      write(e->ack, "a", 1);
    }
  }
  return NULL;
}
static int t_socket_pair(int argc, char **argv) {
  int s[2];
  REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, s) == 0, "socketpair");
  if (talk(s[0], s[1]) || talk(s[1], s[0]))
    return 1;
  int acks[2];
  REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, s) == 0 && pipe(acks) == 0, "socketpair");
  struct et e = {.ep = epoll_create1(0), .fd = s[0], .ack = acks[1]};
  REQUIRE(e.ep >= 0, "epoll_create1");
  fcntl(s[0], F_SETFL, fcntl(s[0], F_GETFL) | O_NONBLOCK);
  struct epoll_event ev = {.events = EPOLLIN | EPOLLET, .data.fd = s[0]};
  REQUIRE(epoll_ctl(e.ep, EPOLL_CTL_ADD, s[0], &ev) == 0, "epoll_ctl");
  pthread_t t;
  REQUIRE(pthread_create(&t, NULL, et_reader, &e) == 0, "pthread_create");
  const char *msgs[] = {"42", "69", "85"};
  char a;
  for (int i = 0; i < 3; i++) {
    REQUIRE(send(s[1], msgs[i], 2, 0) == 2, "send");
    REQUIRE(read(acks[0], &a, 1) == 1, "ack");
  }
  close(s[1]);
  pthread_join(t, NULL);
  REQUIRE(e.sum == 196 && e.events == 4 && e.eof, "sum %d over %d events, eof %d", e.sum, e.events, e.eof);
  return 0;
}

static int t_epoll_eventfd(int argc, char **argv) {
  int status = EXIT_FAILURE;
  struct epoll_event ev = {.events = EPOLLIN}, out[1];
  uint64_t one = 1;
  int efd = eventfd(0, 0), ep = epoll_create1(0);
  ev.data.fd = efd;
  if (efd >= 0 && ep >= 0 && epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev) == 0 && write(efd, &one, 8) == 8 &&
      epoll_wait(ep, out, 1, -1) == 1 && out[0].data.fd == efd && (out[0].events & EPOLLIN))
    status = EXIT_SUCCESS;
  printf("%d", status);
  return status;
}

/* epoll_prune_on_close: a closed descriptor leaves every interest list:
 * epoll_wait reports nothing of it, and its number, reused, is not
 * registered (EPOLL_CTL_MOD gives ENOENT) until added again. (Wasmer's
 * probe also checks EEXIST for a second add; wasix-libc's EPOLL_CTL_ADD is
 * Linux's 1, which the witx enum calls mod, so a C program's second add
 * re-registers instead, in Wasmer too.) */
static int t_epoll_prune(int argc, char **argv) {
  int ep1 = epoll_create1(0), ep2 = epoll_create1(0), s[2], s2[2];
  struct epoll_event ev = {.events = EPOLLIN}, out[4];
  REQUIRE(ep1 >= 0 && ep2 >= 0 && socketpair(AF_UNIX, SOCK_STREAM, 0, s) == 0, "setup");
  REQUIRE(write(s[1], "x", 1) == 1, "make s[0] readable");
  REQUIRE(epoll_ctl(ep1, EPOLL_CTL_ADD, s[0], &ev) == 0, "add");
  REQUIRE(epoll_ctl(ep2, EPOLL_CTL_ADD, s[0], &ev) == 0, "add to the second");
  REQUIRE(epoll_wait(ep1, out, 4, 0) == 1, "readable before the close");
  REQUIRE(epoll_ctl(ep1, EPOLL_CTL_MOD, s[0], &ev) == 0, "mod of a registered descriptor");
  REQUIRE(close(s[0]) == 0, "close");
  REQUIRE(epoll_wait(ep1, out, 4, 0) == 0, "an event of a closed descriptor");
  REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, s2) == 0 && s2[0] == s[0], "the number is reused: %d", s2[0]);
  REQUIRE(write(s2[1], "y", 1) == 1, "make the new one readable");
  errno = 0;
  int r = epoll_ctl(ep1, EPOLL_CTL_MOD, s2[0], &ev);
  /* today's wasix-libc returns epoll_ctl's error number itself */
  REQUIRE(r == ENOENT || (r == -1 && errno == ENOENT), "mod of the reused number: %d", r);
  REQUIRE(epoll_wait(ep2, out, 4, 0) == 0, "the second list reports the new file");
  REQUIRE(epoll_ctl(ep1, EPOLL_CTL_ADD, s2[0], &ev) == 0, "re-add in the first");
  REQUIRE(epoll_ctl(ep2, EPOLL_CTL_ADD, s2[0], &ev) == 0, "re-add in the second");
  REQUIRE(epoll_wait(ep2, out, 4, 0) == 1, "readable after the re-add");
  return 0;
}

/* udp: two sockets with SO_REUSEADDR and SO_REUSEPORT bind one address;
 * an IPv6 socket binds; connect and sendto bind an unbound socket. */
static int t_udp_reuse(int argc, char **argv) {
  int one = 1, s1 = socket(AF_INET, SOCK_DGRAM, 0), s2 = socket(AF_INET, SOCK_DGRAM, 0);
  REQUIRE(s1 >= 0 && s2 >= 0, "socket");
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t len = sizeof a;
  for (int i = 0; i < 2; i++) {
    int s = i ? s2 : s1;
    REQUIRE(setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == 0, "SO_REUSEADDR");
    REQUIRE(setsockopt(s, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) == 0, "SO_REUSEPORT");
    REQUIRE(bind(s, (struct sockaddr *)&a, sizeof a) == 0, "bind %d", i);
    /* the second binds the port the first got */
    REQUIRE(getsockname(s, (struct sockaddr *)&a, &len) == 0 && a.sin_port != 0, "getsockname");
  }
  close(s1);
  close(s2);
  return 0;
}
static int t_udp_ipv6(int argc, char **argv) {
  int s = socket(AF_INET6, SOCK_DGRAM, 0);
  struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_addr = in6addr_loopback};
  REQUIRE(s >= 0, "socket");
  REQUIRE(bind(s, (struct sockaddr *)&a, sizeof a) == 0, "bind [::1]:0");
  close(s);
  return 0;
}
static int autobind(int use_connect) {
  int s = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(65535), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  REQUIRE(s >= 0, "socket");
  if (use_connect)
    REQUIRE(connect(s, (struct sockaddr *)&a, sizeof a) == 0, "connect");
  else
    REQUIRE(sendto(s, "hello", 5, 0, (struct sockaddr *)&a, sizeof a) == 5, "sendto");
  struct sockaddr_in me;
  socklen_t len = sizeof me;
  REQUIRE(getsockname(s, (struct sockaddr *)&me, &len) == 0 && me.sin_port != 0, "no port bound");
  close(s);
  return 0;
}
static int t_udp_connect(int argc, char **argv) { return autobind(1); }
static int t_udp_sendto(int argc, char **argv) { return autobind(0); }
/* A datagram goes from one loopback socket to another, with its sender. */
static int t_udp_echo(int argc, char **argv) {
  int a = socket(AF_INET, SOCK_DGRAM, 0), b = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in la = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)}, lb = la, from;
  socklen_t len = sizeof la;
  REQUIRE(bind(a, (struct sockaddr *)&la, sizeof la) == 0 && getsockname(a, (struct sockaddr *)&la, &len) == 0, "bind a");
  REQUIRE(bind(b, (struct sockaddr *)&lb, sizeof lb) == 0 && getsockname(b, (struct sockaddr *)&lb, &len) == 0, "bind b");
  REQUIRE(sendto(b, "ping", 4, 0, (struct sockaddr *)&la, sizeof la) == 4, "sendto");
  char buf[16];
  len = sizeof from;
  REQUIRE(recvfrom(a, buf, sizeof buf, 0, (struct sockaddr *)&from, &len) == 4 && memcmp(buf, "ping", 4) == 0, "recvfrom");
  REQUIRE(from.sin_port == lb.sin_port && from.sin_addr.s_addr == htonl(INADDR_LOOPBACK), "sender");
  return 0;
}

/* TCP over loopback: getaddrinfo of localhost, listen, connect, accept,
 * both ways, shutdown gives EOF, the peer's address. */
static int t_tcp(int argc, char **argv) {
  struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM}, *res;
  int e = getaddrinfo("localhost", "0", &hints, &res);
  REQUIRE(e == 0, "getaddrinfo: %s", gai_strerror(e));
  struct sockaddr_in *sa = (struct sockaddr_in *)res->ai_addr;
  REQUIRE(sa->sin_addr.s_addr == htonl(INADDR_LOOPBACK), "localhost is %s", inet_ntoa(sa->sin_addr));
  int l = socket(AF_INET, SOCK_STREAM, 0), one = 1;
  setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  REQUIRE(bind(l, res->ai_addr, res->ai_addrlen) == 0 && listen(l, 4) == 0, "bind, listen");
  freeaddrinfo(res);
  struct sockaddr_in at;
  socklen_t len = sizeof at;
  REQUIRE(getsockname(l, (struct sockaddr *)&at, &len) == 0 && at.sin_port != 0, "getsockname");
  int c = socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(connect(c, (struct sockaddr *)&at, sizeof at) == 0, "connect");
  struct sockaddr_in peer, mine;
  len = sizeof peer;
  int s = accept(l, (struct sockaddr *)&peer, &len);
  REQUIRE(s >= 0, "accept");
  len = sizeof mine;
  REQUIRE(getsockname(c, (struct sockaddr *)&mine, &len) == 0 && mine.sin_port == peer.sin_port, "peer address");
  char buf[16];
  REQUIRE(send(c, "hello", 5, 0) == 5 && recv(s, buf, 5, MSG_WAITALL) == 5 && memcmp(buf, "hello", 5) == 0,
          "request");
  REQUIRE(write(s, "world", 5) == 5 && read(c, buf, 5) == 5 && memcmp(buf, "world", 5) == 0, "reply");
  REQUIRE(shutdown(c, SHUT_WR) == 0 && read(s, buf, sizeof buf) == 0, "EOF after shutdown");
  close(s);
  REQUIRE(read(c, buf, sizeof buf) == 0, "EOF after the peer closed");
  close(c);
  close(l);
  return 0;
}

const struct wtest net_tests[] = {
    {"fd-close", t_fd_close},
    {"fd_pipe", t_fd_pipe},
    {"socket_pair", t_socket_pair},
    {"epoll-create-ctl-wait", t_epoll_eventfd},
    {"epoll-prune-on-close", t_epoll_prune},
    {"udp-addr-reuse", t_udp_reuse},
    {"udp-ipv6", t_udp_ipv6},
    {"udp-autobind-connect", t_udp_connect},
    {"udp-autobind-sendto", t_udp_sendto},
    {"udp-echo", t_udp_echo},
    {"tcp-loopback", t_tcp},
    {NULL, NULL},
};
