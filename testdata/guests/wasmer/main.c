/* The programs of Wasmer's tests/wasix suite that are not about dynamic
 * linking, written anew as one program: `main.wasm NAME [ARGS...]` runs
 * the test NAME (see the tables in proc.c, fs.c, net.c and threads.c). The
 * children a test forks, execs or spawns are this same program with other
 * names. host/wasmer_test.go runs every test and compares its output and
 * exit status with what Wasmer's run.sh expects. */
#include <sys/wait.h>

#include "w.h"

int wait_status(int pid) {
  int st = 0;
  int r;
  while ((r = waitpid(pid, &st, 0)) < 0 && errno == EINTR)
    ;
  return r == pid ? st : -1;
}

int main(int argc, char **argv) {
  /* as /bin/sh (for popen), this program is the tiny shell of proc.c */
  const char *base = argc > 0 && strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argc > 0 ? argv[0] : "";
  if (strcmp(base, "sh") == 0) {
    extern int shell_main(int argc, char **argv);
    return shell_main(argc - 1, argv + 1);
  }
  if (argc < 2) {
    fprintf(stderr, "usage: main.wasm TEST [ARGS...]\n");
    return 2;
  }
  const struct wtest *tables[] = {proc_tests, fs_tests, net_tests, thread_tests};
  for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++)
    for (const struct wtest *t = tables[i]; t->name != NULL; t++)
      if (strcmp(t->name, argv[1]) == 0)
        return t->fn(argc - 2, argv + 2);
  fprintf(stderr, "unknown test %s\n", argv[1]);
  return 2;
}
