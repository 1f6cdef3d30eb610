/* Threads and futexes, after Wasmer's tests/c-wasi-tests thread_*,
 * futex_* and sched_yield. The originals wait "long enough" for another
 * thread to be blocked; these wait for what they need to observe (a
 * futex_wake that found a waiter, a flag), so that nothing depends on
 * timing, and keep only the lower bounds of the sleep checks. */
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>

#include "c.h"

#define BAD_PTR ((void *)(uintptr_t)0xFFFFFFFCu)

/* --- thread_spawn --- */

static pthread_t self_seen;
static void *record_self(void *arg) {
  self_seen = pthread_self();
  return NULL;
}
static void *return_value(void *arg) {
  *(int *)arg = 42;
  return (void *)0x1234;
}
static void *sum_five(void *arg) {
  int *a = arg, *out = malloc(sizeof *out);
  *out = a[0] + a[1] + a[2] + a[3] + a[4];
  return out;
}
static void *echo_int(void *arg) {
  int *out = malloc(sizeof *out);
  *out = (int)(intptr_t)arg;
  return out;
}
static atomic_int multi_count;
static pthread_t multi_ids[4];
static void *multi(void *arg) {
  multi_ids[(intptr_t)arg] = pthread_self();
  atomic_fetch_add(&multi_count, 1);
  return NULL;
}

static int t_thread_spawn(int argc, char **argv) {
  pthread_t t;
  int out = 0;
  void *ret = NULL;
  CHECK(pthread_create(&t, NULL, return_value, &out) == 0);
  CHECK(pthread_join(t, &ret) == 0);
  printf("join: the thread wrote %d and returned %p\n", out, ret);

  CHECK(pthread_create(&t, NULL, record_self, NULL) == 0);
  CHECK(pthread_join(t, NULL) == 0);
  printf("pthread_create's id %s pthread_self in the thread, %s the main thread's\n",
         pthread_equal(t, self_seen) ? "is" : "is not", pthread_equal(t, pthread_self()) ? "is" : "is not");

  CHECK(pthread_create(&t, NULL, echo_int, (void *)(intptr_t)7) == 0);
  CHECK(pthread_join(t, &ret) == 0 && ret != NULL);
  int got = *(int *)ret;
  free(ret);
  int five[5] = {1, 2, 3, 4, 5};
  CHECK(pthread_create(&t, NULL, sum_five, five) == 0);
  CHECK(pthread_join(t, &ret) == 0 && ret != NULL);
  printf("arguments: int %d, array sum %d\n", got, *(int *)ret);
  free(ret);

  pthread_t ts[4];
  for (intptr_t i = 0; i < 4; i++)
    CHECK(pthread_create(&ts[i], NULL, multi, (void *)i) == 0);
  for (int i = 0; i < 4; i++)
    CHECK(pthread_join(ts[i], NULL) == 0);
  int distinct = 1;
  for (int i = 0; i < 4; i++)
    for (int j = i + 1; j < 4; j++)
      distinct &= !pthread_equal(multi_ids[i], multi_ids[j]);
  printf("4 threads ran: %d, ids distinct: %s\n", atomic_load(&multi_count), distinct ? "yes" : "no");
  return 0;
}

/* --- thread_join --- */

static atomic_int started, done;
static void *slow(void *arg) {
  atomic_store(&started, 1);
  usleep(100000);
  atomic_store(&done, 1);
  return NULL;
}
static void *quick(void *arg) { return (void *)(uintptr_t)0x1234; }

static int t_thread_join(int argc, char **argv) {
  pthread_t t;
  CHECK(pthread_create(&t, NULL, slow, NULL) == 0);
  while (!atomic_load(&started))
    sched_yield();
  CHECK(pthread_join(t, NULL) == 0);
  printf("join waited for the end: %s\n", atomic_load(&done) ? "yes" : "no");

  void *ret = NULL;
  CHECK(pthread_create(&t, NULL, quick, NULL) == 0);
  CHECK(pthread_join(t, &ret) == 0);
  printf("returned %p\n", ret);

  /* Wasmer's copy also joins a detached thread and wants EINVAL: POSIX
   * leaves that undefined, and this musl-based libc traps on it. */
  return 0;
}

/* --- thread_exit --- */

static volatile int after_exit, cleanup_ran, tsd_ran;
static pthread_key_t key;
static void cleanup(void *arg) { cleanup_ran = 1; }
static void dtor(void *p) {
  *(int *)p = 1;
  tsd_ran = 1;
}
static void *exit_value(void *arg) {
  pthread_exit((void *)(uintptr_t)0x1234);
  after_exit = 1;
  return NULL;
}
static void *exit_cleanup(void *arg) {
  pthread_cleanup_push(cleanup, arg);
  pthread_exit(NULL);
  pthread_cleanup_pop(0);
  return arg;
}
static void *exit_tsd(void *arg) {
  pthread_setspecific(key, arg);
  pthread_exit(NULL);
  return arg;
}

static int t_thread_exit(int argc, char **argv) {
  pthread_t t;
  void *ret = NULL;
  CHECK(pthread_create(&t, NULL, exit_value, NULL) == 0);
  CHECK(pthread_join(t, &ret) == 0);
  printf("pthread_exit value %p, code after it ran: %s\n", ret, after_exit ? "yes" : "no");
  CHECK(pthread_create(&t, NULL, exit_cleanup, NULL) == 0);
  CHECK(pthread_join(t, NULL) == 0);
  printf("cleanup handler ran: %s\n", cleanup_ran ? "yes" : "no");
  int val = 0;
  CHECK(pthread_key_create(&key, dtor) == 0);
  CHECK(pthread_create(&t, NULL, exit_tsd, &val) == 0);
  CHECK(pthread_join(t, NULL) == 0);
  printf("TSD destructor ran: %s, value %d\n", tsd_ran ? "yes" : "no", val);
  return 0;
}

/* --- thread_id --- */

#define NTHREADS 10
static int tids[NTHREADS];
static pid_t pids[NTHREADS];
static void *record_tid(void *arg) {
  __wasi_tid_t tid = 0;
  int i = (int)(intptr_t)arg;
  tids[i] = __wasi_thread_id(&tid) == 0 ? (int)tid : -1;
  pids[i] = getpid();
  return NULL;
}

static int t_thread_id(int argc, char **argv) {
  __wasi_tid_t main_tid = 0, tid = 0;
  CHECK(__wasi_thread_id(&main_tid) == 0);
  for (int i = 0; i < 1000; i++) {
    CHECK(__wasi_thread_id(&tid) == 0);
    CHECK(tid == main_tid);
  }
  printf("main thread's id is stable\n");
  pthread_t ts[NTHREADS];
  for (intptr_t i = 0; i < NTHREADS; i++)
    CHECK(pthread_create(&ts[i], NULL, record_tid, (void *)i) == 0);
  for (int i = 0; i < NTHREADS; i++)
    CHECK(pthread_join(ts[i], NULL) == 0);
  int ok = 1;
  for (int i = 0; i < NTHREADS; i++) {
    ok &= tids[i] >= 0 && (__wasi_tid_t)tids[i] != main_tid && pids[i] == getpid();
    for (int j = i + 1; j < NTHREADS; j++)
      ok &= tids[i] != tids[j];
  }
  printf("%d threads: ids valid, distinct from each other and from main's, one pid: %s\n", NTHREADS,
         ok ? "yes" : "no");
  printf("bad pointer: %s\n", ename(__wasi_thread_id(BAD_PTR)));
  return 0;
}

/* --- thread_parallelism --- */

static int t_thread_parallelism(int argc, char **argv) {
  __wasi_size_t n1 = 0, n2 = 0;
  CHECK(__wasi_thread_parallelism(&n1) == 0 && n1 >= 1);
  CHECK(__wasi_thread_parallelism(&n2) == 0 && n2 == n1);
  long onln = sysconf(_SC_NPROCESSORS_ONLN), conf = sysconf(_SC_NPROCESSORS_CONF);
  printf("parallelism stable, at least 1; sysconf online %s, configured %s\n",
         onln == (long)n1 ? "matches" : "differs", conf == (long)n1 ? "matches" : "differs");
  printf("bad pointer: %s\n", ename(__wasi_thread_parallelism(BAD_PTR)));
  return 0;
}

/* --- thread_signal --- */

static volatile sig_atomic_t got_sig;
static _Thread_local volatile sig_atomic_t tls_handled;
static atomic_int worker_ready;
static volatile int worker_saw;
static void on_usr1(int sig) {
  got_sig = sig;
  tls_handled = 1;
}
static void *worker(void *arg) {
  atomic_store(&worker_ready, 1);
  while (!got_sig)
    sched_yield();
  worker_saw = tls_handled;
  return NULL;
}
static void *nothing(void *arg) { return NULL; }

static int t_thread_signal(int argc, char **argv) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_usr1;
  sigemptyset(&sa.sa_mask);
  CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
  pthread_t t;
  CHECK(pthread_create(&t, NULL, worker, NULL) == 0);
  while (!atomic_load(&worker_ready))
    sched_yield();
  CHECK(pthread_kill(t, SIGUSR1) == 0);
  CHECK(pthread_join(t, NULL) == 0);
  printf("pthread_kill: signal %d handled on the target thread: %s, on main: %s\n", (int)got_sig,
         worker_saw ? "yes" : "no", tls_handled ? "yes" : "no");
  printf("signal 0: %d\n", pthread_kill(pthread_self(), 0));
  int r = pthread_kill(pthread_self(), -1);
  printf("signal -1: %s\n", r == EINVAL ? "EINVAL" : strerror(r));
  /* Wasmer's copy also kills a joined thread and wants ESRCH: its id is
   * then freed memory, which POSIX leaves undefined (and musl may reuse). */
  (void)nothing;
  return 0;
}

/* --- thread_sleep --- */

static __wasi_timestamp_t now(void) {
  __wasi_timestamp_t t = 0;
  (void)__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t);
  return t;
}

static int t_thread_sleep(int argc, char **argv) {
  CHECK(__wasi_thread_sleep(0) == 0);
  __wasi_timestamp_t start = now();
  CHECK(__wasi_thread_sleep(10000000) == 0);
  __wasi_timestamp_t one = now() - start;
  start = now();
  CHECK(__wasi_thread_sleep(5000000) == 0);
  CHECK(__wasi_thread_sleep(5000000) == 0);
  __wasi_timestamp_t two = now() - start;
  printf("sleep 0 returns; 10ms slept at least 10ms: %s; 2x5ms at least 10ms: %s\n",
         one >= 10000000 ? "yes" : "no", two >= 10000000 ? "yes" : "no");
  return 0;
}

/* --- futex_wait, futex_wake, futex_wake_all --- */

static _Alignas(4) uint32_t word = 1;
static atomic_int returned;

static __wasi_option_timestamp_t none(void) {
  __wasi_option_timestamp_t t;
  memset(&t, 0, sizeof t);
  t.tag = __WASI_OPTION_NONE;
  return t;
}
static __wasi_option_timestamp_t some(__wasi_timestamp_t ns) {
  __wasi_option_timestamp_t t;
  memset(&t, 0, sizeof t);
  t.tag = __WASI_OPTION_SOME;
  t.u.some = ns;
  return t;
}

/* waiter waits on word (while it is 1, no timeout) and records whether
 * it was woken. */
static void *waiter(void *arg) {
  __wasi_bool_t woken = __WASI_BOOL_FALSE;
  __wasi_option_timestamp_t t = none();
  __wasi_errno_t err = __wasi_futex_wait(&word, 1, &t, &woken);
  *(int *)arg = err == 0 && woken == __WASI_BOOL_TRUE;
  atomic_fetch_add(&returned, 1);
  return NULL;
}

/* wake_one wakes one waiter, waiting for one to be there. */
static void wake_one(void) {
  __wasi_bool_t woken = __WASI_BOOL_FALSE;
  while (__wasi_futex_wake(&word, &woken) == 0 && woken != __WASI_BOOL_TRUE)
    sched_yield();
}

static int start_waiters(pthread_t *ts, int *woken, int n) {
  atomic_store(&returned, 0);
  for (int i = 0; i < n; i++) {
    woken[i] = 0;
    if (pthread_create(&ts[i], NULL, waiter, &woken[i]) != 0)
      return -1;
  }
  return 0;
}

static int t_futex_wait(int argc, char **argv) {
  __wasi_bool_t woken = __WASI_BOOL_FALSE;
  __wasi_option_timestamp_t t = none();
  word = 1;
  CHECK(__wasi_futex_wait(&word, 2, &t, &woken) == 0);
  printf("value differs: woken %s at once\n", woken ? "true" : "false");
  woken = __WASI_BOOL_TRUE;
  t = some(50000000);
  __wasi_timestamp_t start = now();
  CHECK(__wasi_futex_wait(&word, 1, &t, &woken) == 0);
  printf("timeout: woken %s, after the timeout: %s\n", woken ? "true" : "false",
         now() - start >= 50000000 ? "yes" : "no");
  pthread_t th;
  int w;
  CHECK(start_waiters(&th, &w, 1) == 0);
  wake_one();
  CHECK(pthread_join(th, NULL) == 0);
  printf("futex_wake woke the waiter: %s\n", w ? "yes" : "no");
  t = none();
  printf("unaligned futex pointer: %s\n", ename(__wasi_futex_wait((uint32_t *)0xFFFFFFFF, 1, &t, &woken)));
  printf("bad futex pointer: %s\n", ename(__wasi_futex_wait(BAD_PTR, 1, &t, &woken)));
  t = some(1000);
  printf("bad woken pointer: %s\n", ename(__wasi_futex_wait(&word, 1, &t, (__wasi_bool_t *)0xFFFFFFFF)));
  return 0;
}

static int t_futex_wake(int argc, char **argv) {
  __wasi_bool_t woken = __WASI_BOOL_TRUE;
  CHECK(__wasi_futex_wake(&word, &woken) == 0);
  printf("no waiters: woken %s\n", woken ? "true" : "false");

  /* five waiters woken one at a time: each wake releases exactly one */
  enum { N = 5 };
  pthread_t ts[N];
  int w[N];
  CHECK(start_waiters(ts, w, N) == 0);
  int one_each = 1;
  for (int i = 1; i <= N; i++) {
    wake_one();
    while (atomic_load(&returned) < i)
      sched_yield();
    one_each &= atomic_load(&returned) == i;
  }
  int all = 1;
  for (int i = 0; i < N; i++) {
    CHECK(pthread_join(ts[i], NULL) == 0);
    all &= w[i];
  }
  printf("%d waiters, %d wakes: one released by each: %s, all woken: %s\n", N, N, one_each ? "yes" : "no",
         all ? "yes" : "no");
  woken = __WASI_BOOL_TRUE;
  CHECK(__wasi_futex_wake(&word, &woken) == 0);
  printf("drained: woken %s\n", woken ? "true" : "false");
  printf("bad woken pointer: %s\n", ename(__wasi_futex_wake(&word, BAD_PTR)));
  return 0;
}

static int t_futex_wake_all(int argc, char **argv) {
  __wasi_bool_t woken = __WASI_BOOL_TRUE;
  CHECK(__wasi_futex_wake_all(&word, &woken) == 0);
  printf("no waiters: woken %s\n", woken ? "true" : "false");

  /* Nothing tells this thread when all four are blocked, so it calls
   * futex_wake_all until all have returned: each call releases every
   * waiter it finds. */
  enum { N = 4 };
  pthread_t ts[N];
  int w[N];
  CHECK(start_waiters(ts, w, N) == 0);
  while (atomic_load(&returned) < N) {
    CHECK(__wasi_futex_wake_all(&word, &woken) == 0);
    sched_yield();
  }
  int all = 1;
  for (int i = 0; i < N; i++) {
    CHECK(pthread_join(ts[i], NULL) == 0);
    all &= w[i];
  }
  printf("%d waiters all woken: %s\n", N, all ? "yes" : "no");
  woken = __WASI_BOOL_TRUE;
  CHECK(__wasi_futex_wake_all(&word, &woken) == 0);
  printf("drained: woken %s\n", woken ? "true" : "false");
  return 0;
}

/* --- sched_yield --- */

static atomic_int counter, stop, shared;
static void *yielder(void *arg) {
  for (int i = 0; i < 100; i++)
    if (__wasi_sched_yield() != 0)
      return (void *)1;
  return NULL;
}
static void *count_up(void *arg) {
  while (!atomic_load(&stop))
    atomic_fetch_add(&counter, 1);
  return NULL;
}
static void *incrementer(void *arg) {
  for (int i = 0; i < 50; i++) {
    atomic_fetch_add(&shared, 1);
    (void)__wasi_sched_yield();
  }
  return NULL;
}

static int t_sched_yield(int argc, char **argv) {
  for (int i = 0; i < 1000; i++)
    CHECK(__wasi_sched_yield() == 0);
  pthread_t ts[10];
  for (int i = 0; i < 10; i++)
    CHECK(pthread_create(&ts[i], NULL, yielder, NULL) == 0);
  int errors = 0;
  for (int i = 0; i < 10; i++) {
    void *r;
    CHECK(pthread_join(ts[i], &r) == 0);
    errors += r != NULL;
  }
  printf("1000 yields, and 100 in each of 10 threads: %d error(s)\n", errors);
  pthread_t t;
  CHECK(pthread_create(&t, NULL, count_up, NULL) == 0);
  while (atomic_load(&counter) == 0)
    CHECK(__wasi_sched_yield() == 0);
  atomic_store(&stop, 1);
  CHECK(pthread_join(t, NULL) == 0);
  printf("another thread ran while this one yielded\n");
  pthread_t a, b;
  CHECK(pthread_create(&a, NULL, incrementer, NULL) == 0);
  CHECK(pthread_create(&b, NULL, incrementer, NULL) == 0);
  CHECK(pthread_join(a, NULL) == 0 && pthread_join(b, NULL) == 0);
  printf("two yielding incrementers: %d\n", atomic_load(&shared));
  return 0;
}

const struct ctest thread_tests[] = {
    {"thread-spawn", t_thread_spawn},
    {"thread-join", t_thread_join},
    {"thread-exit", t_thread_exit},
    {"thread-id", t_thread_id},
    {"thread-parallelism", t_thread_parallelism},
    {"thread-signal", t_thread_signal},
    {"thread-sleep", t_thread_sleep},
    {"futex-wait", t_futex_wait},
    {"futex-wake", t_futex_wake},
    {"futex-wake-all", t_futex_wake_all},
    {"sched-yield", t_sched_yield},
    {NULL, NULL},
};
