/* Clocks, randomness, scheduling and the tty. */
#include <pthread.h>
#include <stdatomic.h>
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

/* random_get fills the whole buffer with fresh bytes each call; a buffer
 * outside memory is EFAULT (NULL is address 0, inside memory: Wasmer's
 * test wants an error for it, which WASI memory cannot tell). */
static int t_random_get(int argc, char **argv) {
  uint8_t prev[32], buf[32], big[4096];
  EQ(__wasi_random_get(prev, sizeof prev), 0);
  for (int i = 0; i < 100; i++) {
    EQ(__wasi_random_get(buf, sizeof buf), 0);
    CHECK(memcmp(buf, prev, sizeof buf) != 0);
    memcpy(prev, buf, sizeof buf);
  }
  memset(big, 0xaa, sizeof big);
  EQ(__wasi_random_get(big, sizeof big), 0);
  int same = 0;
  for (size_t i = 0; i < sizeof big; i++)
    same += big[i] == 0xaa;
  CHECK(same < 64); /* about 16 expected */
  EQ(__wasi_random_get(BADPTR, 100), __WASI_ERRNO_FAULT);
  return 0;
}

static atomic_int counter, stop, yields_failed;

static void *count_up(void *arg) {
  while (!atomic_load(&stop))
    atomic_fetch_add(&counter, 1);
  return NULL;
}

static void *yield_many(void *arg) {
  for (int i = 0; i < 100; i++) {
    atomic_fetch_add(&counter, 1);
    if (__wasi_sched_yield() != 0)
      atomic_store(&yields_failed, 1);
  }
  return NULL;
}

/* sched_yield succeeds, from many threads at once, and lets another
 * thread run. */
static int t_sched_yield(int argc, char **argv) {
  for (int i = 0; i < 1000; i++)
    EQ(__wasi_sched_yield(), 0);
  pthread_t th[10];
  for (int i = 0; i < 10; i++)
    CHECK(pthread_create(&th[i], NULL, yield_many, NULL) == 0);
  for (int i = 0; i < 10; i++)
    CHECK(pthread_join(th[i], NULL) == 0);
  EQ(atomic_load(&yields_failed), 0);
  EQ(atomic_load(&counter), 1000);
  atomic_store(&counter, 0);
  CHECK(pthread_create(&th[0], NULL, count_up, NULL) == 0);
  while (atomic_load(&counter) == 0)
    EQ(__wasi_sched_yield(), 0);
  atomic_store(&stop, 1);
  CHECK(pthread_join(th[0], NULL) == 0);
  return 0;
}

const struct ctest misc_tests[] = {
    {"clock_time_get", t_clock_time_get},
    {"clock_time_set", t_clock_time_set},
    {"random_get", t_random_get},
    {"sched_yield", t_sched_yield},
    {NULL, NULL},
};
