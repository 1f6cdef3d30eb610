/* A small check helper shared by the guests of today's toolchain: each check prints one line,
 * "ok - WHAT" or "not ok - WHAT: DETAIL", and t_done() prints "# passed N, failed M" and returns
 * the exit status (1 if anything failed). */
#ifndef T_H
#define T_H
#include <errno.h>
#include <stdio.h>
#include <string.h>

static int t_pass, t_fail;

#define T_OK(cond, ...)                                                                            \
  do {                                                                                             \
    if (cond) {                                                                                    \
      t_pass++;                                                                                    \
      printf("ok - " __VA_ARGS__);                                                                 \
      printf("\n");                                                                                \
    } else {                                                                                       \
      t_fail++;                                                                                    \
      printf("not ok - " __VA_ARGS__);                                                             \
      printf(": %s (errno %d, %s:%d)\n", #cond, errno, __FILE__, __LINE__);                         \
    }                                                                                              \
    fflush(stdout);                                                                                \
  } while (0)

static int t_done(void) {
  printf("# passed %d, failed %d\n", t_pass, t_fail);
  fflush(stdout);
  return t_fail ? 1 : 0;
}
#endif
