/* t.h: what the programs after Wasmer's tests/c-wasi-tests (the calls on
 * files, descriptors, paths, clocks, polling and networking) share. Each
 * test is a function returning the exit status; a failed check prints
 * where and what to stderr and returns 1, so the Go test shows which one. */
#ifndef T_H
#define T_H

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wasi/api_wasix.h>

#define CHECK(cond)                                                                                \
  do {                                                                                             \
    if (!(cond)) {                                                                                 \
      fprintf(stderr, "%s:%d: %s (errno %d: %s)\n", __FILE__, __LINE__, #cond, errno,              \
              strerror(errno));                                                                    \
      return 1;                                                                                    \
    }                                                                                              \
  } while (0)

/* EQ compares two integers and prints both when they differ. */
#define EQ(got, want)                                                                              \
  do {                                                                                             \
    long long g_ = (long long)(got), w_ = (long long)(want);                                       \
    if (g_ != w_) {                                                                                \
      fprintf(stderr, "%s:%d: %s is %lld, want %lld (errno %d)\n", __FILE__, __LINE__, #got, g_,   \
              w_, errno);                                                                          \
      return 1;                                                                                    \
    }                                                                                              \
  } while (0)

/* FAILS checks that a libc call returns -1 with errno e. */
#define FAILS(call, e)                                                                             \
  do {                                                                                             \
    errno = 0;                                                                                     \
    long long r_ = (long long)(call);                                                              \
    if (r_ != -1 || errno != (e)) {                                                                \
      fprintf(stderr, "%s:%d: %s gave %lld errno %d (%s), want -1 errno %d (%s)\n", __FILE__,     \
              __LINE__, #call, r_, errno, strerror(errno), (int)(e), strerror(e));                 \
      return 1;                                                                                    \
    }                                                                                              \
  } while (0)

/* RUN runs a part of a test and returns its failure. */
#define RUN(part)                                                                                  \
  do {                                                                                             \
    int r_ = (part);                                                                               \
    if (r_ != 0)                                                                                   \
      return r_;                                                                                   \
  } while (0)

/* BADPTR is an address past any memory the program has. */
#define BADPTR ((void *)(uintptr_t)0xfffffff0u)

typedef int (*test_fn)(int argc, char **argv);
struct ctest {
  const char *name;
  test_fn fn;
};

extern const struct ctest fd_tests[], path_tests[], net_tests[], misc_tests[];

/* make_file creates (or truncates) name with the given contents. */
int make_file(const char *name, const char *data);
/* as_root says whether the host runs the test as root, where permission
 * bits do not deny (the Go test sets CWASI_ROOT). */
int as_root(void);

#endif
