/* libtls.so: thread-local data of several alignments, initialized, and a
 * table of their addresses filled by a constructor (after Wasmer's
 * tls_dlsym.c, tls_init_dso.c and tls_align_dso.c). */
#include <stdint.h>

__thread char tls_char = 'a';
__thread short tls_short = 4;
__thread char tls_pad = 5;
__thread int tls_int = 123;
__thread long long tls_ll __attribute__((aligned(16))) = 456;
__thread char tls_buf[7] = "foobar";

struct tls_info {
  const char *name;
  unsigned size, align;
  uintptr_t addr;
};

struct tls_info tls_info[5];

#define ENTRY(i, x) tls_info[i] = (struct tls_info){#x, sizeof x, _Alignof(__typeof__(x)), (uintptr_t)&x}

__attribute__((constructor)) static void fill(void) {
  ENTRY(0, tls_char);
  ENTRY(1, tls_short);
  ENTRY(2, tls_int);
  ENTRY(3, tls_ll);
  ENTRY(4, tls_buf);
  tls_info[3].align = 16; /* as declared */
}

char *gettls(void) { return tls_buf; }

/* tls_bump counts in the calling thread's copy of tls_int, which starts
 * at 123 in every thread; tls_int_addr says where that copy is. */
int tls_bump(void) { return ++tls_int; }
int *tls_int_addr(void) { return &tls_int; }
