/* The programs of Wasmer's tests/c-wasi-tests about processes, threads
 * and the rest of WASIX (closures, contexts, reflection), written anew as
 * one program: `cwasi.wasm NAME [ARGS...]` runs the test NAME (see the
 * tables of proc.c, thread.c and dyn.c). The children a test execs or
 * spawns are this program with other names. Run with no name, it prints
 * its argument count: the child of an exec with an empty argument list. */
#include "c.h"

const char *ename(__wasi_errno_t e) {
  switch (e) {
  case __WASI_ERRNO_SUCCESS: return "SUCCESS";
  case __WASI_ERRNO_CHILD: return "CHILD";
  case __WASI_ERRNO_FAULT: return "FAULT";
  case __WASI_ERRNO_INVAL: return "INVAL";
  case __WASI_ERRNO_NAMETOOLONG: return "NAMETOOLONG";
  case __WASI_ERRNO_NOENT: return "NOENT";
  case __WASI_ERRNO_NOEXEC: return "NOEXEC";
  case __WASI_ERRNO_NOTDIR: return "NOTDIR";
  case __WASI_ERRNO_NOTSUP: return "NOTSUP";
  case __WASI_ERRNO_OVERFLOW: return "OVERFLOW";
  case __WASI_ERRNO_SRCH: return "SRCH";
  case __WASI_ERRNO_MEMVIOLATION: return "MEMVIOLATION";
  default: {
    static char buf[16];
    snprintf(buf, sizeof buf, "errno %u", (unsigned)e);
    return buf;
  }
  }
}

int self_path(char *buf, size_t size) {
  char cwd[256];
  if (getcwd(cwd, sizeof cwd) == NULL)
    return -1;
  int n = snprintf(buf, size, "%s/%s", cwd, SELF);
  return n > 0 && (size_t)n < size ? 0 : -1;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    printf("no test named: argc %d\n", argc);
    return 0;
  }
#ifdef CWASI_DYN
  const struct ctest *tables[] = {dyn_tests};
#else
  const struct ctest *tables[] = {proc_tests, thread_tests, misc_tests};
#endif
  for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++)
    for (const struct ctest *t = tables[i]; t->name != NULL; t++)
      if (strcmp(t->name, argv[1]) == 0)
        return t->fn(argc - 2, argv + 2);
  fprintf(stderr, "unknown test %s\n", argv[1]);
  return 2;
}
