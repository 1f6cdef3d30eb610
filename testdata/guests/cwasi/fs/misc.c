/* Clocks, randomness, scheduling and the tty. */
#include <time.h>

#include "t.h"

/* clock_time_get: the clocks answer, the monotonic one does not go back;
 * an unknown clock is EINVAL, a bad pointer EFAULT. A thread's CPU time
 * is EINVAL here (Wasmer answers): guest threads are goroutines, which no
 * host clock follows. */
static int t_clock_time_get(int argc, char **argv) {
  __wasi_timestamp_t a = 0, b = 0;
  EQ(__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &a), 0);
  EQ(__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 0, &a), 0);
  EQ(__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 0, &b), 0);
  CHECK(a <= b && a > 0);
  EQ(__wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 0, &a), 0);
  CHECK(a > 0);
  EQ(__wasi_clock_time_get(__WASI_CLOCKID_PROCESS_CPUTIME_ID, 0, &a), 0);
  EQ(__wasi_clock_time_get(__WASI_CLOCKID_THREAD_CPUTIME_ID, 0, &a), __WASI_ERRNO_INVAL);
  EQ(__wasi_clock_time_get((__wasi_clockid_t)0xffffffffu, 0, &a), __WASI_ERRNO_INVAL);
  EQ(__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 0, (__wasi_timestamp_t *)BADPTR),
     __WASI_ERRNO_FAULT);
  return 0;
}

static long long ns_between(const struct timespec *from, const struct timespec *to) {
  return (long long)(to->tv_sec - from->tv_sec) * 1000000000LL + (to->tv_nsec - from->tv_nsec);
}

/* clock_settime moves this runtime's realtime clock forward and back (the
 * clock reads on from the new time); a negative or unnormalised time, an
 * unknown clock and the clocks that cannot be set are EINVAL. */
static int t_clock_time_set(int argc, char **argv) {
  struct timespec before, target, after;
  CHECK(clock_gettime(CLOCK_REALTIME, &before) == 0);
  for (int step = 0; step < 2; step++) {
    target = before;
    target.tv_sec += step == 0 ? 3600 : -3600;
    CHECK(clock_settime(CLOCK_REALTIME, &target) == 0);
    CHECK(clock_gettime(CLOCK_REALTIME, &after) == 0);
    long long d = ns_between(&target, &after);
    if (d < 0 || d > 600 * 1000000000LL) { /* read on from the target, not the old time */
      fprintf(stderr, "set %lld, read %lld\n", (long long)target.tv_sec, (long long)after.tv_sec);
      return 1;
    }
  }
  CHECK(clock_settime(CLOCK_REALTIME, &before) == 0);
  struct timespec bad[] = {{-1, 0}, {0, -1}, {0, 1000000000L}};
  for (int i = 0; i < 3; i++)
    FAILS(clock_settime(CLOCK_REALTIME, &bad[i]), EINVAL);
  struct timespec zero = {0, 0};
  FAILS(clock_settime((clockid_t)-1, &zero), EINVAL);
  CHECK(clock_gettime(CLOCK_REALTIME, &target) == 0);
  FAILS(clock_settime(CLOCK_MONOTONIC, &target), EINVAL);
  FAILS(clock_settime(CLOCK_PROCESS_CPUTIME_ID, &target), EINVAL);
  FAILS(clock_settime(CLOCK_THREAD_CPUTIME_ID, &target), EINVAL);
  return 0;
}

const struct ctest misc_tests[] = {
    {"clock_time_get", t_clock_time_get},
    {"clock_time_set", t_clock_time_set},
    {NULL, NULL},
};
