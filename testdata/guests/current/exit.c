/* exit: leaves with the status given in argv[2], the way argv[1] says: "_exit", "_Exit", "exit"
 * (atexit handlers and stdio flushing run), "return" (from main), "abort". Today's wasix-libc ends
 * all of them but the last in proc_exit2. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void bye(void) { printf("atexit ran\n"); }

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: exit _exit|_Exit|exit|return|abort CODE\n");
    return 2;
  }
  int code = atoi(argv[2]);
  atexit(bye);
  printf("leaving by %s with %d\n", argv[1], code);
  fflush(stdout); /* _exit does not flush: the line must be out first */
  if (strcmp(argv[1], "_exit") == 0) _exit(code);
  if (strcmp(argv[1], "_Exit") == 0) _Exit(code);
  if (strcmp(argv[1], "exit") == 0) exit(code);
  if (strcmp(argv[1], "abort") == 0) abort();
  return code;
}
