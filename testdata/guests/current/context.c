/* context: the execution contexts of wasix/context.h. argv[1] picks the mode:
 *   checks        TAP-like checks: ping-pong, a generator, contexts calling each other in a
 *                 chain, stack memory kept across switches, and the error cases
 *   pingpong N    N round trips main -> context -> main; prints "# ns per switch X"
 *   exit CODE     a context calls exit(CODE) while main is suspended
 *   return        a context's entry returns: the main context traps, as under Wasmer
 *   trap          a context traps
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wasi/api_wasix.h>
#include <wasix/context.h>

#include "t.h"

static wasix_context_id_t a, b, gen;
static volatile long pings, pongs;
static long target;

static void ping(void) {
  for (;;) {
    pings++;
    wasix_context_switch(b);
    if (pings >= target) wasix_context_switch(wasix_context_main);
  }
}

static void pong(void) {
  for (;;) {
    pongs++;
    wasix_context_switch(a);
  }
}

/* The generator yields 1, 2, 3, ... squared through gen_value. */
static volatile long gen_value;
static void generator(void) {
  for (long i = 1;; i++) {
    gen_value = i * i;
    wasix_context_switch(wasix_context_main);
  }
}

/* Stack memory (an array whose address escapes) must survive switches. */
static volatile int stack_ok;
static void keep(volatile char *p, int n) {
  for (int i = 0; i < n; i++) p[i] = (char)(i * 7);
}
static void stacky(void) {
  volatile char buf[512];
  keep(buf, sizeof buf);
  wasix_context_switch(wasix_context_main);
  int ok = 1;
  for (int i = 0; i < (int)sizeof buf; i++) ok &= buf[i] == (char)(i * 7);
  stack_ok = ok;
  wasix_context_switch(wasix_context_main);
}

static int chain[8], nchain;
static wasix_context_id_t c1, c2, c3;
static void f1(void) {
  chain[nchain++] = 1;
  wasix_context_switch(c2);
  chain[nchain++] = 4;
  wasix_context_switch(wasix_context_main);
}
static void f2(void) {
  chain[nchain++] = 2;
  wasix_context_switch(c3);
}
static void f3(void) {
  chain[nchain++] = 3;
  wasix_context_switch(c1);
}

static int destroy_self_errno = -1;
static void selfdestroyer(void) {
  destroy_self_errno = wasix_context_destroy(wasix_context_main) == -1 ? errno : 0;
  /* the running context itself */
  wasix_context_id_t me = a;
  destroy_self_errno = destroy_self_errno * 1000 + (wasix_context_destroy(me) == -1 ? errno : 0);
  wasix_context_switch(wasix_context_main);
}

static int bad_entry(int x) { return x + 1; }

static void checks(void) {
  /* ping-pong */
  target = 1000;
  T_OK(wasix_context_create(&a, ping) == 0, "create ping");
  T_OK(wasix_context_create(&b, pong) == 0, "create pong");
  T_OK(a != wasix_context_main && b != wasix_context_main && a != b, "ids are distinct and not main's");
  T_OK(wasix_context_switch(a) == 0, "switch to ping returns to main");
  T_OK(pings == 1000 && pongs == 1000, "ping-pong ran 1000 rounds (pings %ld, pongs %ld)", pings, pongs);
  T_OK(wasix_context_destroy(a) == 0 && wasix_context_destroy(b) == 0, "destroy suspended contexts");
  T_OK(wasix_context_switch(a) == -1 && errno == EINVAL, "switch to a destroyed context: EINVAL");
  T_OK(wasix_context_destroy(a) == 0, "destroying a deleted context is a no-op");

  /* generator */
  T_OK(wasix_context_create(&gen, generator) == 0, "create generator");
  long sum = 0;
  for (int i = 0; i < 10; i++) {
    wasix_context_switch(gen);
    sum += gen_value;
  }
  T_OK(sum == 385, "generator yielded 1..10 squared (sum %ld)", sum);
  T_OK(wasix_context_destroy(gen) == 0, "destroy generator");

  /* a chain 1 -> 2 -> 3 -> 1 -> main */
  wasix_context_create(&c1, f1);
  wasix_context_create(&c2, f2);
  wasix_context_create(&c3, f3);
  wasix_context_switch(c1);
  T_OK(nchain == 4 && chain[0] == 1 && chain[1] == 2 && chain[2] == 3 && chain[3] == 4,
       "a chain of switches resumes each context where it was");
  wasix_context_destroy(c1);
  wasix_context_destroy(c2);
  wasix_context_destroy(c3);

  /* stack memory */
  wasix_context_id_t s;
  wasix_context_create(&s, stacky);
  wasix_context_switch(s);
  {
    volatile char noise[2048];
    keep(noise, sizeof noise); /* main's own stack use in between */
  }
  wasix_context_switch(s);
  T_OK(stack_ok == 1, "a context's stack memory survives the main context's calls");
  wasix_context_destroy(s);

  /* errors */
  wasix_context_id_t x = 12345;
  T_OK(__wasi_context_create(&x, 0xDEADBEEFu) == __WASI_ERRNO_INVAL, "entrypoint out of the table: EINVAL");
  T_OK(__wasi_context_create(&x, (__wasi_function_pointer_t)(uintptr_t)bad_entry) == __WASI_ERRNO_INVAL,
       "entrypoint of another type: EINVAL");
  T_OK(__wasi_context_create((__wasi_context_id_t *)0xFFFFFFF0u, (__wasi_function_pointer_t)(uintptr_t)ping) ==
           __WASI_ERRNO_FAULT || __wasi_context_create((__wasi_context_id_t *)0xFFFFFFF0u,
                                                       (__wasi_function_pointer_t)(uintptr_t)ping) == __WASI_ERRNO_MEMVIOLATION,
       "a bad id pointer: a memory error");
  T_OK(wasix_context_switch(987654) == -1 && errno == EINVAL, "switch to an unknown id: EINVAL");
  T_OK(wasix_context_switch(wasix_context_main) == 0, "switch to the running context: no-op");
  T_OK(wasix_context_destroy(wasix_context_main) == -1 && errno == EINVAL, "destroy the main context: EINVAL");
  wasix_context_create(&a, selfdestroyer);
  wasix_context_switch(a);
  T_OK(destroy_self_errno == EINVAL * 1000 + EINVAL, "inside a context, destroying main or itself: EINVAL (%d)",
       destroy_self_errno);
  wasix_context_destroy(a);
  T_OK(wasix_context_create(&a, ping) == 0 && wasix_context_destroy(a) == 0, "destroy a never-started context");
}

static long long now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void bouncer(void) {
  for (;;) wasix_context_switch(wasix_context_main);
}

static int exit_code;
static void exiter(void) {
  printf("context exiting with %d\n", exit_code);
  fflush(stdout);
  exit(exit_code);
}
static void returner(void) {}
static void trapper(void) { __builtin_trap(); }

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "checks";
  if (strcmp(mode, "checks") == 0) {
    checks();
    return t_done();
  }
  if (strcmp(mode, "pingpong") == 0) {
    long n = argc > 2 ? atol(argv[2]) : 1000000;
    wasix_context_id_t c;
    if (wasix_context_create(&c, bouncer) != 0) return 2;
    wasix_context_switch(c); /* start it: the first switch includes starting its goroutine */
    printf("# started\n");
    fflush(stdout);
    long long t0 = now_ns();
    for (long i = 0; i < n; i++) wasix_context_switch(c);
    long long dt = now_ns() - t0;
    printf("round trips %ld\n# ns per switch %lld\n", n, n ? dt / (2 * n) : 0);
    return 0;
  }
  wasix_context_id_t c;
  if (strcmp(mode, "exit") == 0) {
    exit_code = argc > 2 ? atoi(argv[2]) : 0;
    wasix_context_create(&c, exiter);
  } else if (strcmp(mode, "return") == 0) {
    wasix_context_create(&c, returner);
  } else if (strcmp(mode, "trap") == 0) {
    wasix_context_create(&c, trapper);
  } else {
    return 2;
  }
  wasix_context_switch(c);
  printf("main resumed after %s\n", mode);
  return 3;
}
