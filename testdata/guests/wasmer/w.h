/* w.h: what the programs after Wasmer's tests/wasix share. Each test is a
 * function taking the arguments after its name and returning the exit
 * status; what it prints on stdout is what Wasmer's run.sh compares (often
 * just "0"). Diagnostics go to stderr, so a failure says where. */
#ifndef W_H
#define W_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* SELF is this program as the tests see it: copied as main.wasm into the
 * working directory, as Wasmer's run.sh builds it. */
#define SELF "./main.wasm"

/* FAIL prints where and why to stderr and returns 1 from the test. */
#define FAIL(...)                                                                                  \
  do {                                                                                             \
    fprintf(stderr, "%s:%d: ", __FILE__, __LINE__);                                                \
    fprintf(stderr, __VA_ARGS__);                                                                  \
    fprintf(stderr, " (errno %d: %s)\n", errno, strerror(errno));                                   \
    return 1;                                                                                      \
  } while (0)
#define REQUIRE(cond, ...)                                                                         \
  do {                                                                                             \
    if (!(cond))                                                                                   \
      FAIL(__VA_ARGS__);                                                                           \
  } while (0)

typedef int (*test_fn)(int argc, char **argv);
struct wtest {
  const char *name;
  test_fn fn;
};

/* Each family file lists its tests. */
extern const struct wtest proc_tests[], fs_tests[], net_tests[], thread_tests[];

/* wait_status waits for pid and returns its raw status, or -1. */
int wait_status(int pid);

#endif
