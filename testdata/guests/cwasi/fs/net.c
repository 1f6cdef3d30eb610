/* Sockets, the virtual interface (port_*), name resolution, epoll and
 * poll_oneoff. */
#include "t.h"

static __wasi_addr_cidr_t cidr4(uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint8_t prefix) {
  __wasi_addr_cidr_t x;
  memset(&x, 0, sizeof x);
  x.tag = __WASI_ADDRESS_FAMILY_INET4;
  x.u.inet4.addr.n0 = a;
  x.u.inet4.addr.n1 = b;
  x.u.inet4.addr.h0 = c;
  x.u.inet4.addr.h1 = d;
  x.u.inet4.prefix = prefix;
  return x;
}

static int count_addrs(__wasi_size_t *n) {
  __wasi_addr_cidr_t list[32];
  *n = 32;
  EQ(__wasi_port_addr_list(list, n), 0);
  for (__wasi_size_t i = 0; i < *n; i++) {
    CHECK(list[i].tag == __WASI_ADDRESS_FAMILY_INET4 || list[i].tag == __WASI_ADDRESS_FAMILY_INET6);
    CHECK(list[i].tag == __WASI_ADDRESS_FAMILY_INET4 ? list[i].u.inet4.prefix <= 32
                                                      : list[i].u.inet6.prefix <= 128);
  }
  return 0;
}

/* port_*: this runtime keeps the virtual interface's addresses, routes,
 * gateway and MAC in a table of its own (Wasmer's host backend refuses
 * every change with ENOTSUP): an address added is listed until removed
 * or cleared, a short list buffer is EOVERFLOW with the count needed, a
 * MAC is a unicast one, bridging is ENOTSUP. */
static int t_port(int argc, char **argv) {
  __wasi_size_t n0, n;
  RUN(count_addrs(&n0));
  __wasi_addr_cidr_t a = cidr4(10, 1, 2, 3, 24);
  EQ(__wasi_port_addr_add(&a), 0);
  RUN(count_addrs(&n));
  EQ(n, n0 + 1);
  if (n > 0) {
    __wasi_addr_cidr_t one[1];
    __wasi_size_t room = 0;
    EQ(__wasi_port_addr_list(one, &room), __WASI_ERRNO_OVERFLOW);
    EQ(room, n);
  }
  __wasi_addr_t ip;
  memset(&ip, 0, sizeof ip);
  ip.tag = __WASI_ADDRESS_FAMILY_INET4;
  ip.u.inet4.n0 = 10;
  ip.u.inet4.n1 = 1;
  ip.u.inet4.h0 = 2;
  ip.u.inet4.h1 = 3;
  EQ(__wasi_port_addr_remove(&ip), 0);
  RUN(count_addrs(&n));
  EQ(n, n0);
  EQ(__wasi_port_addr_add(&a), 0);
  EQ(__wasi_port_addr_clear(), 0);
  RUN(count_addrs(&n));
  EQ(n, 0);

  __wasi_hardware_address_t mac;
  EQ(__wasi_port_mac(&mac), 0);
  EQ(mac.n0 & 1, 0); /* not multicast */
  EQ(__wasi_port_mac(BADPTR), __WASI_ERRNO_FAULT);

  __wasi_route_t routes[8];
  __wasi_size_t nr = 8;
  EQ(__wasi_port_route_clear(), 0);
  EQ(__wasi_port_route_list(routes, &nr), 0);
  EQ(nr, 0);
  __wasi_addr_cidr_t net = cidr4(10, 9, 0, 0, 16);
  __wasi_addr_t via = ip;
  __wasi_option_timestamp_t none;
  memset(&none, 0, sizeof none);
  none.tag = __WASI_OPTION_NONE;
  EQ(__wasi_port_route_add(&net, &via, &none, &none), 0);
  nr = 8;
  EQ(__wasi_port_route_list(routes, &nr), 0);
  EQ(nr, 1);
  EQ(routes[0].cidr.u.inet4.prefix, 16);
  __wasi_addr_t netip = ip;
  netip.u.inet4.n1 = 9;
  netip.u.inet4.h0 = 0;
  netip.u.inet4.h1 = 0;
  EQ(__wasi_port_route_remove(&netip), 0);
  nr = 8;
  EQ(__wasi_port_route_list(routes, &nr), 0);
  EQ(nr, 0);
  EQ(__wasi_port_gateway_set(&ip), 0);
  EQ(__wasi_port_unbridge(), __WASI_ERRNO_NOTSUP);
  EQ(__wasi_port_bridge("net", "token", __WASI_STREAM_SECURITY_ANY_ENCRYPTION), __WASI_ERRNO_NOTSUP);
  return 0;
}

const struct ctest net_tests[] = {
    {"port", t_port},
    {NULL, NULL},
};
