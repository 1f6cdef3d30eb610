/* Contexts, signal callbacks, random bytes and terminals, after Wasmer's
 * tests/c-wasi-tests context_*, callback_signal, random_get and tty_*. */
#include <fcntl.h>
#include <stdint.h>
#include <termios.h>
#include <wasix/context.h>

#include "c.h"

/* --- context_create, context_destroy, context_switch --- */

static void entry_ok(void) { wasix_context_switch(wasix_context_main); }
static void entry_bad(int v) { (void)v; }

static int t_context_create(int argc, char **argv) {
  __wasi_context_id_t id = 0;
  __wasi_errno_t err = __wasi_context_create(&id, (__wasi_function_pointer_t)(uintptr_t)entry_ok);
  CHECK(err == 0);
  printf("create: %s, id %s the main context's\n", ename(err), id != wasix_context_main ? "is not" : "is");
  CHECK(__wasi_context_destroy(id) == 0);
  printf("entry 0xDEADBEEF: %s\n", ename(__wasi_context_create(&id, 0xDEADBEEFu)));
  err = __wasi_context_create(&id, (__wasi_function_pointer_t)(uintptr_t)entry_bad);
  printf("entry taking an int: %s\n", ename(err));
  if (err == 0)
    (void)__wasi_context_destroy(id);
  printf("bad id pointer: %s\n",
         ename(__wasi_context_create((__wasi_context_id_t *)0xFFFFFFFFu,
                                     (__wasi_function_pointer_t)(uintptr_t)entry_ok)));
  return 0;
}

static int t_context_destroy(int argc, char **argv) {
  printf("destroy the main context: %s\n", ename(__wasi_context_destroy(wasix_context_main)));
  printf("destroy one that never was: %s\n", ename(__wasi_context_destroy(0xDEADBEEFu)));
  return 0;
}

static wasix_context_id_t ctx1;
static int phase, self_destroy, self_errno;

static void ctx1_entry(void) {
  /* the active context cannot be destroyed */
  self_destroy = wasix_context_destroy(ctx1);
  self_errno = errno;
  phase = 1;
  wasix_context_switch(wasix_context_main);
  wasix_context_switch(wasix_context_main);
}

static int t_context_switch(int argc, char **argv) {
  CHECK(wasix_context_create(&ctx1, ctx1_entry) == 0);
  printf("switch to main from main: %d\n", wasix_context_switch(wasix_context_main));
  int r = wasix_context_switch(ctx1);
  printf("switch to a new context and back: %d, it ran: %s\n", r, phase == 1 ? "yes" : "no");
  printf("it could not destroy itself: %d, %s\n", self_destroy, self_errno == EINVAL ? "EINVAL" : strerror(self_errno));
  errno = 0;
  r = wasix_context_destroy(wasix_context_main);
  printf("destroy main: %d, %s\n", r, errno == EINVAL ? "EINVAL" : strerror(errno));
  printf("destroy it: %d\n", wasix_context_destroy(ctx1));
  errno = 0;
  r = wasix_context_switch(ctx1);
  printf("switch to it destroyed: %d, %s\n", r, errno == EINVAL ? "EINVAL" : strerror(errno));
  printf("destroy it again: %d\n", wasix_context_destroy(ctx1));
  return 0;
}

/* --- callback_signal --- */

static volatile int calls_a, calls_b, last_sig;

__attribute__((used, export_name("cwasi_signal_a"))) void cwasi_signal_a(int sig) {
  calls_a++;
  last_sig = sig;
}

__attribute__((used, export_name("cwasi_signal_b"))) void cwasi_signal_b(int sig) {
  calls_b++;
  last_sig = sig;
}

/* callback_signal names the export signals are delivered to, instead of
 * libc's __wasm_signal; a later call replaces it. */
static int t_callback_signal(int argc, char **argv) {
  __wasi_callback_signal("cwasi_signal_a");
  CHECK(__wasi_proc_raise(__WASI_SIGNAL_USR1) == 0);
  printf("first callback: a %d, b %d, signal %d\n", calls_a, calls_b, last_sig);
  __wasi_callback_signal("cwasi_signal_b");
  CHECK(__wasi_proc_raise(__WASI_SIGNAL_USR2) == 0);
  printf("replaced: a %d, b %d, signal %d\n", calls_a, calls_b, last_sig);
  return 0;
}

/* --- random_get --- */

static int t_random_get(int argc, char **argv) {
  uint8_t prev[32], buf[128];
  CHECK(__wasi_random_get(prev, sizeof prev) == 0);
  int same = 0;
  for (int i = 0; i < 100; i++) {
    CHECK(__wasi_random_get(buf, 32) == 0);
    same += memcmp(buf, prev, 32) == 0;
    memcpy(prev, buf, 32);
  }
  printf("100 calls of 32 bytes, equal to the one before: %d\n", same);
  /* all 128 bytes written: left as 0xAA by chance is rare (1/256 each) */
  memset(buf, 0xAA, sizeof buf);
  CHECK(__wasi_random_get(buf, sizeof buf) == 0);
  int left = 0;
  for (size_t i = 0; i < sizeof buf; i++)
    left += buf[i] == 0xAA;
  printf("128 bytes filled: %s\n", left <= 8 ? "yes" : "no");
  printf("buffer past the end of memory: %s\n", ename(__wasi_random_get((uint8_t *)0xFFFFFFF0u, 100)));
  return 0;
}

/* --- tty_get, tty_set: run with no terminal, as tests are --- */

static const char *eno(int e) {
  return e == 0 ? "0" : e == EBADF ? "EBADF" : e == ENOTTY ? "ENOTTY" : e == EINVAL ? "EINVAL" : strerror(e);
}

static int t_tty_get(int argc, char **argv) {
  __wasi_tty_t tty;
  memset(&tty, 0, sizeof tty);
  CHECK(__wasi_tty_get(&tty) == 0);
  const __wasi_bool_t flags[3] = {tty.stdin_tty, tty.stdout_tty, tty.stderr_tty};
  for (int fd = 0; fd < 3; fd++) {
    errno = 0;
    int r = isatty(fd);
    printf("fd %d: tty_get %u, isatty %d %s\n", fd, (unsigned)flags[fd], r, eno(r ? 0 : errno));
  }
  int fd = open("tty_get_regular_file", O_CREAT | O_TRUNC | O_RDWR, 0644);
  CHECK(fd > 2);
  errno = 0;
  int r = isatty(fd);
  printf("regular file: isatty %d %s\n", r, eno(errno));
  CHECK(close(fd) == 0 && unlink("tty_get_regular_file") == 0);
  errno = 0;
  r = isatty(-1);
  printf("fd -1: isatty %d %s\n", r, eno(errno));
  return 0;
}

static int t_tty_set(int argc, char **argv) {
  struct termios tio;
  memset(&tio, 0, sizeof tio);
  int r;
  errno = 0;
  r = tcsetattr(STDIN_FILENO, -1, &tio);
  printf("tcsetattr action -1: %d %s\n", r, eno(errno));
  errno = 0;
  r = tcsetattr(STDIN_FILENO, 3, &tio);
  printf("tcsetattr action 3: %d %s\n", r, eno(errno));
  errno = 0;
  r = tcgetattr(STDIN_FILENO, &tio);
  printf("tcgetattr of stdin, no terminal: %d %s\n", r, eno(errno));
  int fd = open("tty_set_regular_file", O_CREAT | O_TRUNC | O_RDWR, 0644);
  CHECK(fd > 2);
  errno = 0;
  r = tcsetattr(fd, TCSANOW, &tio);
  printf("tcsetattr of a file: %d %s\n", r, eno(errno));
  errno = 0;
  r = tcgetattr(fd, &tio);
  printf("tcgetattr of a file: %d %s\n", r, eno(errno));
  CHECK(close(fd) == 0 && unlink("tty_set_regular_file") == 0);
  errno = 0;
  r = tcsetattr(-1, TCSANOW, &tio);
  printf("tcsetattr of fd -1: %d %s\n", r, eno(errno));
  errno = 0;
  r = tcgetattr(-1, &tio);
  printf("tcgetattr of fd -1: %d %s\n", r, eno(errno));
  return 0;
}

const struct ctest misc_tests[] = {
    {"context-create", t_context_create},
    {"context-destroy", t_context_destroy},
    {"context-switch", t_context_switch},
    {"callback-signal", t_callback_signal},
    {"random-get", t_random_get},
    {"tty-get", t_tty_get},
    {"tty-set", t_tty_set},
    {NULL, NULL},
};
