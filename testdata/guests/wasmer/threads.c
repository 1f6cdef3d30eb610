/* Threads and clocks. After Wasmer's tests/wasix lock-timeout and its
 * lib/wasix/tests thread examples (condvar, thread-local, sleep): create
 * and join with a value, a mutex and condition variable, thread-local
 * data, detached threads, pthread_exit, a timed lock that times out, and
 * clocks that move forward over a sleep. */
#include <pthread.h>
#include <time.h>

#include "w.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

/* lock-timeout: pthread_mutex_timedlock on a held mutex gives ETIMEDOUT
 * once its deadline passes. */
static void *timed(void *arg) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  ts.tv_nsec += 200 * 1000 * 1000;
  if (ts.tv_nsec >= 1000000000) {
    ts.tv_sec++;
    ts.tv_nsec -= 1000000000;
  }
  return (void *)(long)pthread_mutex_timedlock(&lock, &ts);
}
static int t_lock_timeout(int argc, char **argv) {
  pthread_mutex_lock(&lock);
  pthread_t t;
  void *r;
  REQUIRE(pthread_create(&t, NULL, timed, NULL) == 0, "pthread_create");
  REQUIRE(pthread_join(t, &r) == 0, "pthread_join");
  REQUIRE((long)r == ETIMEDOUT, "timedlock gave %ld", (long)r);
  return 0;
}

static _Thread_local int tls = 1;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int counter, ready, detached_done;

static void *worker(void *arg) {
  long id = (long)arg;
  tls = (int)id * 10; /* each thread its own copy */
  for (int i = 0; i < 1000; i++) {
    pthread_mutex_lock(&lock);
    counter++;
    pthread_mutex_unlock(&lock);
  }
  if (id == 3)
    pthread_exit((void *)(long)(tls + 3));
  return (void *)(long)tls;
}
static void *waiter(void *arg) {
  pthread_mutex_lock(&lock);
  while (!ready)
    pthread_cond_wait(&cond, &lock);
  pthread_mutex_unlock(&lock);
  return (void *)7;
}
static void *detached(void *arg) {
  pthread_mutex_lock(&lock);
  detached_done = 1;
  pthread_cond_broadcast(&cond);
  pthread_mutex_unlock(&lock);
  return NULL;
}
static int t_threads(int argc, char **argv) {
  pthread_t t[4];
  for (long i = 0; i < 4; i++)
    REQUIRE(pthread_create(&t[i], NULL, worker, (void *)(i + 1)) == 0, "create %ld", i);
  for (long i = 0; i < 4; i++) {
    void *r;
    REQUIRE(pthread_join(t[i], &r) == 0, "join");
    long want = (i + 1) * 10 + (i == 2 ? 3 : 0);
    REQUIRE((long)r == want, "thread %ld returned %ld, want %ld", i + 1, (long)r, want);
  }
  REQUIRE(counter == 4000 && tls == 1, "counter %d, main's tls %d", counter, tls);

  pthread_t w;
  void *r;
  REQUIRE(pthread_create(&w, NULL, waiter, NULL) == 0, "create waiter");
  pthread_mutex_lock(&lock);
  ready = 1;
  pthread_cond_signal(&cond);
  pthread_mutex_unlock(&lock);
  REQUIRE(pthread_join(w, &r) == 0 && (long)r == 7, "waiter");

  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_t d;
  REQUIRE(pthread_create(&d, &attr, detached, NULL) == 0, "create detached");
  pthread_mutex_lock(&lock);
  while (!detached_done)
    pthread_cond_wait(&cond, &lock);
  pthread_mutex_unlock(&lock);
  printf("threads: ok\n");
  return 0;
}

/* clock/sleep: monotonic time moves forward at least by what was slept,
 * and the realtime clock is past 2020. The process CPU-time clock (and
 * clock()) advances with work; the thread CPU-time clock is refused. */
static int t_clock_sleep(int argc, char **argv) {
  struct timespec a, b, d = {0, 20 * 1000 * 1000}, res;
  REQUIRE(clock_gettime(CLOCK_MONOTONIC, &a) == 0, "monotonic");
  REQUIRE(nanosleep(&d, NULL) == 0, "nanosleep");
  REQUIRE(clock_gettime(CLOCK_MONOTONIC, &b) == 0, "monotonic");
  long long ns = (b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec);
  REQUIRE(ns >= 20 * 1000 * 1000, "slept %lld ns", ns);
  REQUIRE(usleep(1000) == 0, "usleep");
  REQUIRE(clock_gettime(CLOCK_REALTIME, &a) == 0 && a.tv_sec > 1577836800, "realtime %lld", (long long)a.tv_sec);
  REQUIRE(clock_getres(CLOCK_MONOTONIC, &res) == 0 && res.tv_sec == 0 && res.tv_nsec > 0, "getres");
  REQUIRE(clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &a) == 0, "process cputime");
  clock_t c0 = clock();
  REQUIRE(c0 != (clock_t)-1, "clock()");
  volatile unsigned long spin = 0;
  do {
    for (int i = 0; i < 100000; i++) spin += i;
    REQUIRE(clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &b) == 0, "process cputime");
    ns = (b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec);
  } while (ns < 2 * 1000 * 1000);
  REQUIRE(clock() > c0, "clock() after 2 ms of work");
  REQUIRE(clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a) == -1 && errno == EINVAL, "thread cputime");
  printf("0");
  return 0;
}

/* environment: getenv, setenv, unsetenv, and what a child inherits. */
static int t_env(int argc, char **argv) {
  REQUIRE(getenv("WASMER_TEST") != NULL && strcmp(getenv("WASMER_TEST"), "given") == 0, "given variable");
  REQUIRE(setenv("ADDED", "1", 0) == 0 && strcmp(getenv("ADDED"), "1") == 0, "setenv");
  REQUIRE(setenv("ADDED", "2", 0) == 0 && strcmp(getenv("ADDED"), "1") == 0, "setenv without overwrite");
  REQUIRE(unsetenv("WASMER_TEST") == 0 && getenv("WASMER_TEST") == NULL, "unsetenv");
  printf("0");
  return 0;
}

const struct wtest thread_tests[] = {
    {"lock-timeout", t_lock_timeout},
    {"threads", t_threads},
    {"clock-sleep", t_clock_sleep},
    {"env", t_env},
    {NULL, NULL},
};
