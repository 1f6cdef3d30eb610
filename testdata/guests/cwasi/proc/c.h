/* c.h: what the programs after Wasmer's tests/c-wasi-tests (processes,
 * threads and the rest of WASIX) share. Each test is a function taking the
 * arguments after its name and returning the exit status. What it prints
 * on stdout is what host/cwasiproc_test.go compares; a failed check says
 * where on stderr and makes the test return 1. */
#ifndef C_H
#define C_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wasi/api_wasix.h>

/* SELF is this program as the tests see it: cwasi.wasm in the working
 * directory. */
#define SELF "cwasi.wasm"

#define CHECK(cond)                                                                                \
  do {                                                                                             \
    if (!(cond)) {                                                                                 \
      fflush(stdout);                                                                              \
      fprintf(stderr, "%s:%d: check failed: %s (errno %d)\n", __FILE__, __LINE__, #cond, errno);   \
      return 1;                                                                                    \
    }                                                                                              \
  } while (0)

/* RUN runs a part of a test and stops the test at its first failure. */
#define RUN(part)                                                                                  \
  do {                                                                                             \
    if ((part) != 0)                                                                               \
      return 1;                                                                                    \
  } while (0)

typedef int (*test_fn)(int argc, char **argv);
struct ctest {
  const char *name;
  test_fn fn;
};

extern const struct ctest proc_tests[], thread_tests[], misc_tests[], dyn_tests[];

/* ename names a WASI errno for the output. */
const char *ename(__wasi_errno_t e);

/* self_path writes the absolute path of SELF into buf. */
int self_path(char *buf, size_t size);

#endif
