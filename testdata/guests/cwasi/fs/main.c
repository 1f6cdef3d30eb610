/* Programs after Wasmer's tests/c-wasi-tests that are about files,
 * descriptors, paths, clocks, polling and networking, written anew as one
 * program: `cwasifs.wasm NAME` runs the test NAME (the tables are in fd.c,
 * path.c, net.c and misc.c). host/cwasifs_test.go runs each in a fresh
 * host directory mounted as the working directory. */
#include "t.h"

int make_file(const char *name, const char *data) {
  int fd = open(name, O_CREAT | O_TRUNC | O_WRONLY, 0644);
  if (fd < 0)
    return -1;
  size_t n = strlen(data);
  if (write(fd, data, n) != (ssize_t)n) {
    close(fd);
    return -1;
  }
  return close(fd);
}

int as_root(void) {
  const char *v = getenv("CWASI_ROOT");
  return v != NULL && strcmp(v, "1") == 0;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: cwasifs.wasm TEST\n");
    return 2;
  }
  const struct ctest *tables[] = {fd_tests, path_tests, net_tests, misc_tests};
  for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++)
    for (const struct ctest *t = tables[i]; t->name != NULL; t++)
      if (strcmp(t->name, argv[1]) == 0) {
        int r = t->fn(argc - 2, argv + 2);
        if (r == 0)
          printf("ok\n");
        return r;
      }
  fprintf(stderr, "unknown test %s\n", argv[1]);
  return 2;
}
