/* What needs a dynamically linked program, after Wasmer's
 * tests/c-wasi-tests closure_*, call_dynamic, reflect_signature, dlopen,
 * dlsym and dlopen_libc: this runtime knows the signatures of a table's
 * functions only through its dynamic linker. Built with wasixcc-eh as a
 * -pie main (bin/cwasidyn.wasm); the libraries are beside it. */
#include <dlfcn.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <wasix/closure.h>
#include <wasix/reflection.h>

#include "c.h"

#define BAD_PTR ((void *)(uintptr_t)0xFFFFFFFCu)

int main(int argc, char **argv);

/* --- closure_allocate, closure_free --- */

static int t_closure_allocate(int argc, char **argv) {
  __wasi_function_pointer_t a = 0, b = 0, c = 0;
  CHECK(__wasi_closure_allocate(&a) == 0 && a != 0);
  CHECK(__wasi_closure_free(a) == 0);
  CHECK(__wasi_closure_allocate(&a) == 0);
  CHECK(__wasi_closure_allocate(&b) == 0);
  CHECK(__wasi_closure_allocate(&c) == 0);
  printf("allocated: non-zero and distinct: %s\n", a && b && c && a != b && a != c && b != c ? "yes" : "no");
  CHECK(__wasi_closure_free(a) == 0 && __wasi_closure_free(b) == 0 && __wasi_closure_free(c) == 0);
  printf("bad pointer: %s\n", ename(__wasi_closure_allocate(BAD_PTR)));
  return 0;
}

/* closure_free is idempotent: any index, freed or never allocated, is
 * success. */
static int t_closure_free(int argc, char **argv) {
  __wasi_function_pointer_t id = 0;
  printf("never allocated 999999: %s\n", ename(__wasi_closure_free(999999)));
  CHECK(__wasi_closure_allocate(&id) == 0);
  printf("allocated: %s\n", ename(__wasi_closure_free(id)));
  printf("freed again: %s\n", ename(__wasi_closure_free(id)));
  for (int i = 0; i < 10; i++) {
    CHECK(__wasi_closure_allocate(&id) == 0);
    CHECK(__wasi_closure_free(id) == 0);
  }
  printf("index 0: %s, 0xFFFFFFFF: %s\n", ename(__wasi_closure_free(0)), ename(__wasi_closure_free(0xFFFFFFFFu)));
  __wasi_function_pointer_t ids[5];
  for (int i = 0; i < 5; i++)
    CHECK(__wasi_closure_allocate(&ids[i]) == 0);
  int distinct = 1;
  for (int i = 0; i < 5; i++)
    for (int j = i + 1; j < 5; j++)
      distinct &= ids[i] != ids[j];
  for (int i = 4; i >= 0; i--)
    CHECK(__wasi_closure_free(ids[i]) == 0);
  printf("5 allocated distinct: %s, freed in reverse\n", distinct ? "yes" : "no");
  return 0;
}

/* --- closure_prepare, call_dynamic --- */

static volatile int calls;
static volatile uint32_t seen_a, seen_user;
static volatile uint64_t seen_b;

/* backing is what the closures call: (i32 a, i64 b) -> i32 a+b+user. */
static void backing(uint8_t *values, uint8_t *results, void *user_data) {
  uint32_t a, user;
  uint64_t b;
  memcpy(&a, values, 4);
  memcpy(&b, values + 4, 8);
  memcpy(&user, user_data, 4);
  calls++;
  seen_a = a, seen_b = b, seen_user = user;
  uint32_t out = a + (uint32_t)b + user;
  memcpy(results, &out, 4);
}

static __wasi_function_pointer_t fp(void *f) { return (__wasi_function_pointer_t)(uintptr_t)f; }

static uint32_t user_data;

/* prepare makes a closure (i32, i64) -> i32 over backing. */
static __wasi_function_pointer_t prepare(uint32_t user) {
  __wasi_function_pointer_t id = 0;
  __wasi_wasm_value_type_t args[2] = {__WASI_WASM_VALUE_TYPE_I32, __WASI_WASM_VALUE_TYPE_I64};
  __wasi_wasm_value_type_t res[1] = {__WASI_WASM_VALUE_TYPE_I32};
  user_data = user;
  if (__wasi_closure_allocate(&id) != 0 ||
      __wasi_closure_prepare(fp(backing), id, args, 2, res, 1, (uint8_t *)&user_data) != 0)
    return 0;
  return id;
}

/* call runs closure id with values_len bytes of (a, b) and prints what it
 * saw. */
static void call(const char *what, __wasi_function_pointer_t id, uint32_t a, uint64_t b, size_t values_len,
                 size_t results_len, __wasi_bool_t strict) {
  uint8_t values[20], results[4];
  memset(values, 0xAB, sizeof values);
  memcpy(values, &a, 4);
  memcpy(values + 4, &b, 8);
  memset(results, 0xAA, sizeof results);
  calls = 0, seen_a = 0, seen_b = 0, seen_user = 0;
  __wasi_errno_t err = __wasi_call_dynamic(id, values, values_len, results, results_len, strict);
  uint32_t out;
  memcpy(&out, results, 4);
  printf("%s: %s", what, ename(err));
  if (calls)
    printf(", backing saw a=%u b=%llu user=%u, result %#x", (unsigned)seen_a, (unsigned long long)seen_b,
           (unsigned)seen_user, (unsigned)out);
  printf("\n");
}

static int t_closure_prepare(int argc, char **argv) {
  __wasi_function_pointer_t id = prepare(7);
  CHECK(id != 0);
  call("prepared closure", id, 5, 9, 12, 4, __WASI_BOOL_TRUE);
  CHECK(__wasi_closure_free(id) == 0);
  CHECK(__wasi_closure_allocate(&id) == 0);
  __wasi_wasm_value_type_t bad = 0xFF, res = __WASI_WASM_VALUE_TYPE_I32;
  printf("value type 0xFF: %s\n", ename(__wasi_closure_prepare(fp(backing), id, &bad, 1, &res, 1, NULL)));
  CHECK(__wasi_closure_free(id) == 0);
  return 0;
}

static int t_call_dynamic(int argc, char **argv) {
  __wasi_function_pointer_t id = prepare(7);
  CHECK(id != 0);
  call("strict", id, 5, 9, 12, 4, __WASI_BOOL_TRUE);
  call("strict, values too short", id, 11, 0, 4, 4, __WASI_BOOL_TRUE);
  call("strict, values too long", id, 1, 2, 16, 4, __WASI_BOOL_TRUE);
  call("strict, results too short", id, 10, 20, 12, 1, __WASI_BOOL_TRUE);
  call("lax, missing values are zero", id, 7, 0, 4, 4, __WASI_BOOL_FALSE);
  call("lax, extra values ignored", id, 3, 4, 20, 4, __WASI_BOOL_FALSE);
  call("lax, no room for results", id, 1, 2, 12, 0, __WASI_BOOL_FALSE);
  uint8_t results[4];
  printf("values past the end of memory: %s\n",
         ename(__wasi_call_dynamic(id, (const uint8_t *)0xFFFFFFFFu, 4, results, 4, __WASI_BOOL_FALSE)));
  CHECK(__wasi_closure_free(id) == 0);
  return 0;
}

/* --- reflect_signature --- */

static int32_t four(int32_t a, int64_t b, float c, double d) { return a + (int32_t)b + (int32_t)c + (int32_t)d; }

static void show(const char *what, int rc, const wasix_reflection_result_t *r, const wasix_value_type_t *args,
                 size_t nargs, const wasix_value_type_t *res, size_t nres) {
  printf("%s: %d", what, rc);
  if (rc != 0)
    printf(" %s", errno == EOVERFLOW ? "EOVERFLOW" : errno == EINVAL ? "EINVAL" : strerror(errno));
  if (r != NULL)
    printf(", cacheable %d, %u -> %u", r->cacheable, r->arguments, r->results);
  printf(", types");
  for (size_t i = 0; i < nargs; i++)
    printf(" %#x", args[i]);
  printf(" ->");
  for (size_t i = 0; i < nres; i++)
    printf(" %#x", res[i]);
  printf("\n");
}

static int t_reflect_signature(int argc, char **argv) {
  wasix_value_type_t args[6], res[3];
  wasix_reflection_result_t r;
  int rc;
  printf("i32 %#x, i64 %#x, f32 %#x, f64 %#x\n", WASIX_VALUE_TYPE_I32, WASIX_VALUE_TYPE_I64, WASIX_VALUE_TYPE_F32,
         WASIX_VALUE_TYPE_F64);

  memset(args, 0xAA, sizeof args), memset(res, 0xBB, sizeof res), memset(&r, 0, sizeof r);
  rc = wasix_reflect_signature(fp(four), args, 6, res, 3, &r);
  show("(i32, i64, f32, f64) -> i32, room for 6 and 3", rc, &r, args, 6, res, 3);

  memset(args, 0xCC, sizeof args), memset(res, 0xDD, sizeof res), memset(&r, 0, sizeof r);
  errno = 0;
  rc = wasix_reflect_signature(fp(four), args, 1, res, 1, &r);
  show("room for 1 argument", rc, &r, args, 4, res, 1);

  memset(args, 0xEE, sizeof args), memset(&r, 0, sizeof r);
  errno = 0;
  rc = wasix_reflect_signature(fp(four), args, 4, NULL, 0, &r);
  show("room for no result", rc, &r, args, 4, NULL, 0);

  memset(&r, 0, sizeof r);
  errno = 0;
  rc = wasix_reflect_signature(0, args, 1, res, 1, &r);
  show("function 0", rc, &r, NULL, 0, NULL, 0);

  memset(&r, 0, sizeof r);
  errno = 0;
  rc = wasix_reflect_signature(0xFFFFFFFFu, args, 1, res, 1, &r);
  show("function 0xFFFFFFFF", rc, &r, NULL, 0, NULL, 0);

  errno = 0;
  rc = wasix_reflect_signature(fp(four), args, 4, res, 1, NULL);
  printf("null result pointer: %d %s\n", rc, errno == EFAULT ? "EFAULT" : errno == EMEMVIOLATION ? "EMEMVIOLATION" : strerror(errno));

  __wasi_function_pointer_t id = prepare(0);
  CHECK(id != 0);
  memset(args, 0, sizeof args), memset(res, 0, sizeof res), memset(&r, 0, sizeof r);
  rc = wasix_reflect_signature(id, args, 2, res, 1, &r);
  show("a closure (i32, i64) -> i32", rc, &r, args, 2, res, 1);
  CHECK(wasix_closure_free(id) == 0);
  return 0;
}

/* --- dlopen, dlsym --- */

static int t_dlopen(int argc, char **argv) {
  void *h = dlopen("libside1.so", RTLD_NOW);
  CHECK(h != NULL);
  int *data = dlsym(h, "data_export");
  CHECK(data != NULL);
  printf("data_export = %d\n", *data);
  int (*f)(void) = (int (*)(void))dlsym(h, "func_export");
  CHECK(f != NULL);
  printf("func_export() = %d\n", f());
  printf("local_function: %s\n", dlsym(h, "local_function") ? "found" : "not found (private)");
  printf("dlclose: %d\n", dlclose(h));
  const uintptr_t bad[] = {0, 0xffffff, 0xFFFFFFFFu};
  for (size_t i = 0; i < 3; i++) {
    int r = dlclose((void *)bad[i]);
    const char *e = dlerror();
    printf("dlclose(%#lx): %d, dlerror %s\n", (unsigned long)bad[i], r, e && *e ? "set" : "empty");
  }
  return 0;
}

struct tls_info {
  const char *name;
  unsigned size, align;
  uintptr_t addr;
};

static int t_dlsym(int argc, char **argv) {
  void *loc = dlopen("libside1.so", RTLD_LAZY | RTLD_LOCAL);
  CHECK(loc != NULL);
  (void)dlerror();
  int *data = dlsym(loc, "data_export");
  CHECK(data != NULL && *data == 42);
  printf("local handle: data_export %d\n", *data);
  const char *e;
  (void)dlerror();
  void *p = dlsym(loc, "local_function");
  e = dlerror();
  printf("local_function: %s, dlerror %s\n", p ? "found" : "not found", e && *e ? "set" : "empty");

  void *self = dlopen(NULL, RTLD_LAZY | RTLD_LOCAL);
  CHECK(self != NULL);
  printf("dlopen(NULL) finds main: %s\n", dlsym(self, "main") == (void *)main ? "yes" : "no");
  (void)dlerror();
  p = dlsym(RTLD_DEFAULT, "data_export");
  e = dlerror();
  printf("RTLD_DEFAULT, library local: %s, dlerror %s\n", p ? "found" : "not found", e && *e ? "set" : "empty");
  void *glob = dlopen("libside1.so", RTLD_LAZY | RTLD_GLOBAL);
  CHECK(glob != NULL);
  p = dlsym(RTLD_DEFAULT, "data_export");
  printf("RTLD_DEFAULT, library global: %s\n", p == (void *)data ? "the same address" : p ? "another address" : "not found");

  (void)dlerror();
  p = dlsym((void *)(uintptr_t)0xffffff, "data_export");
  e = dlerror();
  printf("bad handle: %s, dlerror %s\n", p ? "found" : "not found", e && *e ? "set" : "empty");

  /* thread-local data of a library: initialized at dlopen, aligned */
  void *tls = dlopen("libtls.so", RTLD_NOW | RTLD_GLOBAL);
  CHECK(tls != NULL);
  char *(*gettls)(void) = (char *(*)(void))dlsym(tls, "gettls");
  struct tls_info *info = dlsym(tls, "tls_info");
  CHECK(gettls != NULL && info != NULL);
  printf("TLS: \"%s\"", gettls());
  for (int i = 0; i < 5; i++)
    printf(", %s %s", info[i].name, info[i].addr % info[i].align == 0 ? "aligned" : "MISALIGNED");
  printf("\n");
  CHECK(dlclose(tls) == 0 && dlclose(glob) == 0 && dlclose(self) == 0 && dlclose(loc) == 0);
  return 0;
}

/* tls-new-dtv (dlopen_libc's tls_get_new-dtv, which Wasmer's copy skips):
 * threads that exist before a library is loaded get their own copy of its
 * thread-local data, initialized, when they first use it. */
#define NTHREADS 10
static atomic_int ready, go;
static void *lib;
static int bumped[NTHREADS];
static int *where[NTHREADS];

static void *late_user(void *arg) {
  int i = (int)(intptr_t)arg;
  atomic_fetch_add(&ready, 1);
  while (!atomic_load(&go))
    sched_yield();
  int (*bump)(void) = (int (*)(void))dlsym(lib, "tls_bump");
  int *(*addr)(void) = (int *(*)(void))dlsym(lib, "tls_int_addr");
  if (bump != NULL && addr != NULL) {
    bumped[i] = bump();
    where[i] = addr();
  }
  return NULL;
}

static int t_tls_new_dtv(int argc, char **argv) {
  pthread_t ts[NTHREADS];
  for (intptr_t i = 0; i < NTHREADS; i++)
    CHECK(pthread_create(&ts[i], NULL, late_user, (void *)i) == 0);
  while (atomic_load(&ready) < NTHREADS)
    sched_yield();
  lib = dlopen("libtls.so", RTLD_NOW);
  CHECK(lib != NULL);
  atomic_store(&go, 1);
  for (int i = 0; i < NTHREADS; i++)
    CHECK(pthread_join(ts[i], NULL) == 0);
  int (*bump)(void) = (int (*)(void))dlsym(lib, "tls_bump");
  int *(*addr)(void) = (int *(*)(void))dlsym(lib, "tls_int_addr");
  CHECK(bump != NULL && addr != NULL);
  int mine = bump(), all = 1;
  int *mine_at = addr();
  for (int i = 0; i < NTHREADS; i++) {
    all &= bumped[i] == 124 && where[i] != NULL && where[i] != mine_at;
    for (int j = i + 1; j < NTHREADS; j++)
      all &= where[i] != where[j];
  }
  printf("%d threads started before dlopen: each its own copy, from 123 to 124: %s; main: %d\n", NTHREADS,
         all ? "yes" : "no", mine);
  CHECK(dlclose(lib) == 0);
  return 0;
}

const struct ctest dyn_tests[] = {
    {"closure-allocate", t_closure_allocate},
    {"closure-free", t_closure_free},
    {"closure-prepare", t_closure_prepare},
    {"call-dynamic", t_call_dynamic},
    {"reflect-signature", t_reflect_signature},
    {"dlopen", t_dlopen},
    {"dlsym", t_dlsym},
    {"tls-new-dtv", t_tls_new_dtv},
    {NULL, NULL},
};
