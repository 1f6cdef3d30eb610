/* unknown: imports calls no WASIX generation defines (as a program built with a newer toolchain
 * would): wasix_32v1.future_call (i32) -> i32, wasi_snapshot_preview1.future_p1 () -> i32 and
 * wasix_32v1.future_void (i32). argv[1]: "call" prints what the errno calls return; "void"
 * calls the one without a result; "exec" execs the command "unknown" with "call". */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

__attribute__((import_module("wasix_32v1"), import_name("future_call"))) int32_t future_call(int32_t);
__attribute__((import_module("wasi_snapshot_preview1"), import_name("future_p1"))) int32_t future_p1(void);
__attribute__((import_module("wasix_32v1"), import_name("future_void"))) void future_void(int32_t);

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "call";
  if (strcmp(mode, "call") == 0) {
    printf("future_call %d future_p1 %d\n", (int)future_call(1), (int)future_p1());
    return 0;
  }
  if (strcmp(mode, "exec") == 0) {
    execl("/bin/unknown", "unknown", "call", (char *)0);
    return 127;
  }
  printf("calling future_void\n");
  fflush(stdout);
  future_void(1);
  printf("future_void returned\n");
  return 0;
}
