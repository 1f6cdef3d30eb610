/* Sockets, the virtual interface (port_*), name resolution, epoll and
 * poll_oneoff. */
#include "t.h"

const struct ctest net_tests[] = {
    {NULL, NULL},
};
