/* Processes, after Wasmer's tests/c-wasi-tests proc_*, posix_spawn.test
 * and their children. Where the originals wait for a child with a sleep,
 * these hand the child a pipe instead, so that nothing depends on timing. */
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <sys/wait.h>

#include "c.h"

/* A pointer no program's memory reaches: its 4 bytes end at 2^32. */
#define BAD_PTR ((void *)(uintptr_t)0xFFFFFFFCu)

/* arg returns the value of NAME=value among argv, or def. */
static int arg(int argc, char **argv, const char *name, int def) {
  size_t n = strlen(name);
  for (int i = 0; i < argc; i++)
    if (strncmp(argv[i], name, n) == 0 && argv[i][n] == '=')
      return atoi(argv[i] + n + 1);
  return def;
}

static int has(int argc, char **argv, const char *word) {
  for (int i = 0; i < argc; i++)
    if (strcmp(argv[i], word) == 0)
      return 1;
  return 0;
}

/* --- exits: proc_exit_code_*, proc_exit2_*, proc_exit_fpr, proc_exit_hello --- */

static int t_exit_code(int argc, char **argv) {
  CHECK(argc == 1);
  __wasi_proc_exit((__wasi_exitcode_t)atoi(argv[0]));
}

static int t_exit(int argc, char **argv) {
  exit(65);
}

static int t__exit(int argc, char **argv) {
  _Exit(65);
}

static int t_exit_fpr(int argc, char **argv) {
  volatile double a = 1.0, b = 2.0, c = 3.0, d = 4.0;
  volatile double sum = a + b + c + d;
  CHECK(sum == 10.0);
  __wasi_proc_exit(0);
}

static int t_exit_hello(int argc, char **argv) {
  const char msg[] = "Hello, world!\n";
  CHECK(write(STDOUT_FILENO, msg, sizeof msg - 1) == (ssize_t)(sizeof msg - 1));
  __wasi_proc_exit(1);
}

/* --- exec: proc_exec, proc_exec2, proc_exec3, proc_exec3_empty_argv --- */

/* exec-child [canary] [want-env]: what the exec tests run. */
static int t_exec_child(int argc, char **argv) {
  CHECK(argc >= 1 && strcmp(argv[0], "canary") == 0);
  const char *v = getenv("LTP_TEST_ENV_VAR");
  if (has(argc, argv, "want-env"))
    CHECK(v != NULL && strcmp(v, "test") == 0);
  printf("exec child: %s, LTP_TEST_ENV_VAR %s\n", argv[0], v ? v : "unset");
  return 0;
}

static int t_exec(int argc, char **argv) {
  char name[512], args[600];
  CHECK(self_path(name, sizeof name) == 0);
  snprintf(args, sizeof args, "%s\nexec-child\ncanary", name);
  fflush(stdout);
  __wasi_proc_exec(name, args);
}

static int t_exec2(int argc, char **argv) {
  char name[512], args[600];
  CHECK(self_path(name, sizeof name) == 0);
  snprintf(args, sizeof args, "%s\nexec-child\ncanary\nwant-env", name);
  fflush(stdout);
  __wasi_proc_exec2(name, args, "LTP_TEST_ENV_VAR=test");
}

/* proc_exec3 finds a bare name in the search path it is given. */
static int t_exec3(int argc, char **argv) {
  char cwd[256];
  CHECK(getcwd(cwd, sizeof cwd) != NULL);
  __wasi_errno_t err =
      __wasi_proc_exec3(SELF, SELF "\nexec-child\ncanary", "", __WASI_BOOL_TRUE, cwd);
  printf("proc_exec3 returned %s\n", ename(err));
  return 1;
}

/* An empty argument list gives the program its name as argv[0]. */
static int t_exec3_empty_argv(int argc, char **argv) {
  char name[512];
  CHECK(self_path(name, sizeof name) == 0);
  __wasi_errno_t err = __wasi_proc_exec3(name, "", "", __WASI_BOOL_FALSE, "");
  printf("proc_exec3 returned %s\n", ename(err));
  return 1;
}

static int exec3_errno(const char *name) {
  __wasi_errno_t err = __wasi_proc_exec3(name, name, "", __WASI_BOOL_FALSE, "");
  printf("%.20s%s: %s\n", name, strlen(name) > 20 ? "..." : "", ename(err));
  return err;
}

static int make_file(const char *name, mode_t mode) {
  int fd = open(name, O_CREAT | O_TRUNC | O_WRONLY, mode);
  return fd < 0 ? -1 : close(fd);
}

/* proc_exec3's errors come back to the caller, which goes on. WASIX has
 * no execute permission: a file that is no module is NOEXEC. */
static int t_exec3_errors(int argc, char **argv) {
  CHECK(make_file("noexec_file", 0755) == 0);
  CHECK(make_file("noaccess_file", 0644) == 0);
  CHECK(make_file("notdir", 0644) == 0);
  exec3_errno("no_such_file.wasm");
  exec3_errno("notdir/child.wasm");
  exec3_errno("noexec_file");
  exec3_errno("noaccess_file");
  char long_name[300];
  memset(long_name, 'a', sizeof long_name - 1);
  long_name[sizeof long_name - 1] = '\0';
  exec3_errno(long_name);
  return 0;
}

/* --- proc_id, proc_parent --- */

static int t_proc_id(int argc, char **argv) {
  pid_t pid = getpid();
  CHECK(pid > 0);
  for (int i = 0; i < 1000; i++)
    CHECK(getpid() == pid);
  __wasi_pid_t wpid = 0;
  CHECK(__wasi_proc_id(&wpid) == 0);
  CHECK((pid_t)wpid == pid);
  CHECK(__wasi_proc_id(BAD_PTR) == __WASI_ERRNO_FAULT);
  printf("getpid is positive, stable and proc_id's\n");
  /* LTP getpid02: fork gives the child's pid; the child has its own pid
   * and the parent's as getppid (Wasmer's copy skips this: it builds
   * position-independent programs, which cannot fork). */
  pid_t child = fork();
  CHECK(child >= 0);
  if (child == 0)
    _exit(getpid() != pid && getppid() == pid && getpid() > 0 ? 0 : 1);
  int st = 0;
  CHECK(waitpid(child, &st, 0) == child);
  CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  printf("fork: the child has its own pid and the parent's as getppid\n");
  return 0;
}

/* ppid-child PID: exits 0 if its parent is PID. */
static int t_ppid_child(int argc, char **argv) {
  CHECK(argc == 1);
  return getppid() == atoi(argv[0]) ? 0 : 3;
}

static int t_proc_parent(int argc, char **argv) {
  pid_t ppid = getppid();
  CHECK(ppid >= 0);
  __wasi_pid_t wppid = 0;
  CHECK(__wasi_proc_parent((__wasi_pid_t)getpid(), &wppid) == 0);
  CHECK((pid_t)wppid == ppid);
  printf("getppid is valid and proc_parent's\n");
  /* LTP getppid02 through fork, and the same through proc_spawn2 */
  pid_t me = getpid();
  pid_t child = fork();
  CHECK(child >= 0);
  if (child == 0)
    _exit(getppid() == me ? 0 : 1);
  int st = 0;
  CHECK(waitpid(child, &st, 0) == child);
  CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  char name[512], args[700];
  CHECK(self_path(name, sizeof name) == 0);
  snprintf(args, sizeof args, "%s\nppid-child\n%d", name, (int)me);
  __wasi_pid_t spawned = 0;
  CHECK(__wasi_proc_spawn2(name, args, "", NULL, 0, NULL, 0, __WASI_BOOL_FALSE, "", &spawned) == 0);
  CHECK(waitpid((pid_t)spawned, &st, 0) == (pid_t)spawned);
  CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  printf("a forked and a spawned child see their parent's pid\n");
  return 0;
}

/* --- proc_spawn, proc_join --- */

/* join-child [exit=N] [wait-stdin]: exits N, after reading its stdin to
 * the end if asked. */
static int t_join_child(int argc, char **argv) {
  if (has(argc, argv, "wait-stdin")) {
    char buf[64];
    while (read(STDIN_FILENO, buf, sizeof buf) > 0)
      ;
  }
  __wasi_proc_exit((__wasi_exitcode_t)arg(argc, argv, "exit", 0));
}

/* spawn_child spawns this program with the arguments after its name
 * (joined by line feeds), stdin as given; it fills handles. */
static __wasi_errno_t spawn_child(const char *more, __wasi_stdio_mode_t in, __wasi_stdio_mode_t out,
                                  __wasi_process_handles_t *handles) {
  char cwd[256], name[512], args[800];
  if (getcwd(cwd, sizeof cwd) == NULL || self_path(name, sizeof name) != 0)
    return __WASI_ERRNO_NAMETOOLONG;
  snprintf(args, sizeof args, "%s\n%s", name, more);
  return __wasi_proc_spawn(name, __WASI_BOOL_FALSE, args, "", in, out, __WASI_STDIO_MODE_INHERIT, cwd,
                           handles);
}

/* The handles' stdin and stdout fields, which stdio.h's macros hide. */
#pragma push_macro("stdin")
#pragma push_macro("stdout")
#undef stdin
#undef stdout
static __wasi_option_fd_t child_stdin(const __wasi_process_handles_t *h) { return h->stdin; }
static __wasi_option_fd_t child_stdout(const __wasi_process_handles_t *h) { return h->stdout; }
#pragma pop_macro("stdout")
#pragma pop_macro("stdin")

static int join(__wasi_pid_t pid, int *code) {
  __wasi_option_pid_t opt = {.tag = __WASI_OPTION_SOME, .u.some = pid};
  __wasi_join_status_t st = {.tag = 0xAA};
  __wasi_errno_t err = __wasi_proc_join(&opt, 0, &st);
  if (err != 0 || st.tag != __WASI_JOIN_STATUS_TYPE_EXIT_NORMAL)
    return -1;
  *code = st.u.exit_normal;
  return 0;
}

static int t_proc_spawn(int argc, char **argv) {
  __wasi_process_handles_t h;
  CHECK(spawn_child("join-child\nexit=7", __WASI_STDIO_MODE_INHERIT, __WASI_STDIO_MODE_INHERIT, &h) == 0);
  int code = -1;
  CHECK(join(h.pid, &code) == 0);
  printf("spawned child exited %d\n", code);
  return 0;
}

static int t_proc_join(int argc, char **argv) {
  __wasi_option_pid_t pid;
  __wasi_join_status_t st;
  __wasi_errno_t err;

  pid.tag = 2; /* neither none nor some */
  pid.u.some = 0;
  printf("bad option tag: %s\n", ename(__wasi_proc_join(&pid, 0, &st)));

  pid.tag = __WASI_OPTION_NONE;
  st.tag = 0xAA;
  err = __wasi_proc_join(&pid, 0, &st);
  printf("no children: %s, pid %s, status %s\n", ename(err), pid.tag == __WASI_OPTION_NONE ? "none" : "some",
         st.tag == __WASI_JOIN_STATUS_TYPE_NOTHING ? "nothing" : "set");

  __wasi_process_handles_t h;
  CHECK(spawn_child("join-child\nexit=7", __WASI_STDIO_MODE_INHERIT, __WASI_STDIO_MODE_INHERIT, &h) == 0);
  pid.tag = __WASI_OPTION_SOME;
  pid.u.some = h.pid;
  st.tag = 0xAA;
  CHECK(__wasi_proc_join(&pid, 0, &st) == 0);
  CHECK(pid.tag == __WASI_OPTION_SOME && pid.u.some == h.pid);
  CHECK(st.tag == __WASI_JOIN_STATUS_TYPE_EXIT_NORMAL);
  printf("join that child: exit %d\n", st.u.exit_normal);

  CHECK(spawn_child("join-child\nexit=9", __WASI_STDIO_MODE_INHERIT, __WASI_STDIO_MODE_INHERIT, &h) == 0);
  pid.tag = __WASI_OPTION_NONE;
  st.tag = 0xAA;
  CHECK(__wasi_proc_join(&pid, 0, &st) == 0);
  CHECK(pid.tag == __WASI_OPTION_SOME && pid.u.some == h.pid);
  CHECK(st.tag == __WASI_JOIN_STATUS_TYPE_EXIT_NORMAL);
  printf("join any child: that one, exit %d\n", st.u.exit_normal);

  /* The child waits for the end of its stdin, a pipe this test holds. */
  CHECK(spawn_child("join-child\nexit=11\nwait-stdin", __WASI_STDIO_MODE_PIPED, __WASI_STDIO_MODE_INHERIT, &h) ==
        0);
  CHECK(child_stdin(&h).tag == __WASI_OPTION_SOME);
  pid.tag = __WASI_OPTION_SOME;
  pid.u.some = h.pid;
  st.tag = 0xAA;
  CHECK(__wasi_proc_join(&pid, __WASI_JOIN_FLAGS_NON_BLOCKING, &st) == 0);
  /* Wasmer's copy wants the child's pid written back; this runtime writes
   * 0, which today's wasix-libc waitpid(WNOHANG) returns as it is. */
  printf("non-blocking join of a running child: %s, pid written back %s %u\n",
         st.tag == __WASI_JOIN_STATUS_TYPE_NOTHING ? "nothing" : "set",
         pid.tag == __WASI_OPTION_SOME ? "some" : "none", (unsigned)pid.u.some);
  pid.tag = __WASI_OPTION_SOME;
  pid.u.some = h.pid;
  CHECK(close(child_stdin(&h).u.some) == 0);
  CHECK(__wasi_proc_join(&pid, 0, &st) == 0);
  CHECK(st.tag == __WASI_JOIN_STATUS_TYPE_EXIT_NORMAL);
  printf("then blocking: exit %d\n", st.u.exit_normal);

  __wasi_pid_t self = 0;
  CHECK(__wasi_proc_id(&self) == 0);
  pid.tag = __WASI_OPTION_SOME;
  pid.u.some = self + 1000000;
  st.tag = 0xAA;
  err = __wasi_proc_join(&pid, __WASI_JOIN_FLAGS_NON_BLOCKING, &st);
  printf("non-blocking join of no such pid: %s, pid %s, status %s\n", ename(err),
         pid.tag == __WASI_OPTION_NONE ? "none" : "some", st.tag == __WASI_JOIN_STATUS_TYPE_NOTHING ? "nothing" : "set");

  pid.tag = __WASI_OPTION_NONE;
  printf("bad status pointer: %s\n", ename(__wasi_proc_join(&pid, 0, BAD_PTR)));
  return 0;
}

/* fd10-child: reads what posix_spawn.test holds from fd 10, which its
 * spawner opened for it. */
static int t_fd10_child(int argc, char **argv) {
  const char want[] = "Hello, posix_spawn";
  char buf[sizeof want];
  CHECK(read(10, buf, sizeof want - 1) == (ssize_t)(sizeof want - 1));
  buf[sizeof want - 1] = '\0';
  CHECK(close(10) == 0);
  CHECK(strcmp(buf, want) == 0);
  return 0;
}

static int t_hello_child(int argc, char **argv) {
  printf("hello\n");
  return 0;
}

/* spawned ARGS...: counts its arguments and the copies of A=B given. */
static int t_spawned(int argc, char **argv) {
  extern char **environ;
  int ab = 0;
  for (char **e = environ; *e != NULL; e++)
    ab += strcmp(*e, "A=B") == 0;
  printf("SPAWNED with %d arguments, A=B %d times\n", argc, ab);
  return 0;
}

static __wasi_errno_t spawn2(const char *name, const char *args, const char *envs,
                             const __wasi_proc_spawn_fd_op_t *ops, size_t nops, __wasi_bool_t search,
                             __wasi_pid_t *pid) {
  return __wasi_proc_spawn2(name, args, envs, ops, nops, NULL, 0, search, "", pid);
}

static int t_proc_spawn2(int argc, char **argv) {
  char name[512], args[1024];
  __wasi_pid_t pid = 0;
  int code = -1;
  CHECK(self_path(name, sizeof name) == 0);

  snprintf(args, sizeof args, "%s\njoin-child\nexit=9", name);
  CHECK(spawn2(name, args, "", NULL, 0, __WASI_BOOL_FALSE, &pid) == 0);
  CHECK(join(pid, &code) == 0);
  printf("spawn and join: exit %d\n", code);

  /* an open action: the child finds the file at fd 10 */
  const char *fname = "posix_spawn.test", *text = "Hello, posix_spawn";
  int fd = open(fname, O_CREAT | O_TRUNC | O_WRONLY, 0644);
  CHECK(fd >= 0);
  CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
  CHECK(close(fd) == 0);
  __wasi_proc_spawn_fd_op_t op;
  memset(&op, 0, sizeof op);
  op.cmd = __WASI_PROC_SPAWN_FD_OP_NAME_OPEN;
  op.fd = 10;
  op.path = (uint8_t *)fname;
  op.path_len = strlen(fname);
  op.fs_rights_base = __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_TELL;
  op.fs_rights_inheriting = op.fs_rights_base;
  snprintf(args, sizeof args, "%s\nfd10-child", name);
  CHECK(spawn2(name, args, "", &op, 1, __WASI_BOOL_FALSE, &pid) == 0);
  CHECK(join(pid, &code) == 0);
  printf("open action: child exit %d\n", code);

  /* close and dup2 actions: the child's stdout is a pipe's write end */
  int fds[2];
  CHECK(pipe(fds) == 0);
  __wasi_proc_spawn_fd_op_t ops[3];
  memset(ops, 0, sizeof ops);
  ops[0].cmd = __WASI_PROC_SPAWN_FD_OP_NAME_CLOSE;
  ops[0].fd = fds[0];
  ops[1].cmd = __WASI_PROC_SPAWN_FD_OP_NAME_DUP2;
  ops[1].src_fd = fds[1];
  ops[1].fd = 1;
  ops[2].cmd = __WASI_PROC_SPAWN_FD_OP_NAME_CLOSE;
  ops[2].fd = fds[1];
  snprintf(args, sizeof args, "%s\nhello-child", name);
  CHECK(spawn2(name, args, "", ops, 3, __WASI_BOOL_FALSE, &pid) == 0);
  CHECK(close(fds[1]) == 0);
  char buf[16] = {0};
  ssize_t n = 0, r;
  while ((r = read(fds[0], buf + n, sizeof buf - 1 - n)) > 0)
    n += r;
  CHECK(close(fds[0]) == 0);
  CHECK(join(pid, &code) == 0);
  printf("dup2 action: child wrote %zd bytes \"%.*s\", exit %d\n", n, (int)(n > 0 ? n - 1 : 0), buf, code);

  /* many arguments and environment entries, by path and by search */
  const char *envs = "A=B\nA=B\nA=B\nA=B\nA=B\nA=B\nA=B\nA=B\nA=B\nA=B\n"
                     "A=B\nA=B\nA=B\nA=B\nA=B\nA=B\nA=B\nA=B\nA=B";
  snprintf(args, sizeof args, "%s\nspawned\n2\n3\n4\n2\n3\n4\n2\n3\n4\n2\n3\n4\n2\n3\n4\n2\n3\n4", name);
  fflush(stdout);
  CHECK(spawn2(name, args, envs, NULL, 0, __WASI_BOOL_FALSE, &pid) == 0);
  CHECK(join(pid, &code) == 0 && code == 0);
  CHECK(spawn2(name, args, envs, NULL, 0, __WASI_BOOL_TRUE, &pid) == 0);
  CHECK(join(pid, &code) == 0 && code == 0);
  return 0;
}

/* --- signals: proc_raise, proc_signal, proc_signals_get, proc_signals_sizes_get --- */

static volatile sig_atomic_t sig_count, last_sig;

static void count_handler(int sig) {
  sig_count++;
  last_sig = sig;
}

static int t_proc_raise(int argc, char **argv) {
  sig_count = last_sig = 0;
  CHECK(signal(SIGUSR1, count_handler) != SIG_ERR);
  CHECK(raise(SIGUSR1) == 0);
  printf("handled: %d time(s), signal %d\n", (int)sig_count, (int)last_sig);
  sig_count = last_sig = 0;
  CHECK(signal(SIGUSR1, SIG_IGN) != SIG_ERR);
  CHECK(raise(SIGUSR1) == 0);
  printf("ignored: %d time(s)\n", (int)sig_count);
  CHECK(raise(0) == 0);
  printf("raise(0): %d time(s)\n", (int)sig_count);
  return 0;
}

/* signal-child [exit=N]: says "ready" on stdout once its SIGUSR1 handler
 * is in place, then waits for the signal and exits N. */
static volatile sig_atomic_t got_usr1;
static void usr1_handler(int sig) { got_usr1 = 1; }

static int t_signal_child(int argc, char **argv) {
  CHECK(signal(SIGUSR1, usr1_handler) != SIG_ERR);
  printf("ready\n");
  fflush(stdout);
  while (!got_usr1)
    usleep(1000);
  __wasi_proc_exit((__wasi_exitcode_t)arg(argc, argv, "exit", 0));
}

static int t_proc_signal(int argc, char **argv) {
  __wasi_pid_t self = 0;
  CHECK(__wasi_proc_id(&self) == 0);
  sig_count = last_sig = 0;
  CHECK(signal(SIGUSR1, count_handler) != SIG_ERR);
  CHECK(__wasi_proc_signal(self, __WASI_SIGNAL_USR1) == 0);
  printf("to self: handled %d time(s), signal %d\n", (int)sig_count, (int)last_sig);
  sig_count = last_sig = 0;
  CHECK(__wasi_proc_signal(self, __WASI_SIGNAL_NONE) == 0);
  printf("signal 0: handled %d time(s)\n", (int)sig_count);
  printf("signal 255: %s\n", ename(__wasi_proc_signal(self, (__wasi_signal_t)0xFF)));
  printf("no such pid: %s\n", ename(__wasi_proc_signal(self + 1000000, __WASI_SIGNAL_USR1)));

  /* the child says when its handler is in place, on its stdout pipe */
  __wasi_process_handles_t h;
  CHECK(spawn_child("signal-child\nexit=7", __WASI_STDIO_MODE_INHERIT, __WASI_STDIO_MODE_PIPED, &h) == 0);
  CHECK(child_stdout(&h).tag == __WASI_OPTION_SOME);
  char buf[16] = {0};
  size_t n = 0;
  ssize_t r;
  while (n < 6 && (r = read(child_stdout(&h).u.some, buf + n, 6 - n)) > 0)
    n += r;
  CHECK(n == 6 && strcmp(buf, "ready\n") == 0);
  CHECK(__wasi_proc_signal(h.pid, __WASI_SIGNAL_USR1) == 0);
  int code = -1;
  CHECK(join(h.pid, &code) == 0);
  printf("to a child: it exited %d\n", code);
  return 0;
}

/* get_dispositions reads proc_signals_get into list (of room entries),
 * checking what it reads; it returns the count. */
static int get_dispositions(__wasi_signal_disposition_t *list, size_t room) {
  __wasi_size_t count = 0, again = 0;
  if (__wasi_proc_signals_sizes_get(&count) != 0 || __wasi_proc_signals_sizes_get(&again) != 0)
    return -1;
  if (count != again || count + 1 > room)
    return -1;
  list[count].sig = 0xAA;
  list[count].disp = 0xBB;
  if (__wasi_proc_signals_get((uint8_t *)list) != 0)
    return -1;
  for (size_t i = 0; i < count; i++) {
    if (list[i].sig > __WASI_SIGNAL_SYS ||
        (list[i].disp != __WASI_DISPOSITION_DEFAULT && list[i].disp != __WASI_DISPOSITION_IGNORE))
      return -1;
    for (size_t j = i + 1; j < count; j++)
      if (list[i].sig == list[j].sig)
        return -1;
  }
  if (list[count].sig != 0xAA || list[count].disp != 0xBB) /* nothing written past the end */
    return -1;
  return (int)count;
}

/* dispositions-child: prints the dispositions it was given. */
static int t_dispositions_child(int argc, char **argv) {
  __wasi_signal_disposition_t list[70];
  int n = get_dispositions(list, 70);
  CHECK(n >= 0);
  printf("child: %d entries, ignored:", n);
  for (int i = 0; i < n; i++)
    if (list[i].disp == __WASI_DISPOSITION_IGNORE)
      printf(" %d", list[i].sig);
  printf("\n");
  return 0;
}

static int t_proc_signals_get(int argc, char **argv) {
  __wasi_signal_disposition_t list[70];
  int n = get_dispositions(list, 70);
  CHECK(n >= 0);
  printf("dispositions: count stable, entries valid and distinct\n");
  __wasi_size_t count = 0;
  CHECK(__wasi_proc_signals_sizes_get(&count) == 0);
  __wasi_errno_t err = __wasi_proc_signals_get(BAD_PTR);
  printf("bad buffer: %s\n", count == 0 ? (err == 0 ? "nothing to write" : ename(err)) : ename(err));
  printf("bad count pointer: %s\n", ename(__wasi_proc_signals_sizes_get(BAD_PTR)));

  /* what proc_spawn2 gives a child is what the child reads */
  char name[512], args[600];
  CHECK(self_path(name, sizeof name) == 0);
  snprintf(args, sizeof args, "%s\ndispositions-child", name);
  __wasi_signal_disposition_t give[2] = {{__WASI_SIGNAL_USR2, __WASI_DISPOSITION_IGNORE},
                                         {__WASI_SIGNAL_HUP, __WASI_DISPOSITION_DEFAULT}};
  __wasi_pid_t pid = 0;
  fflush(stdout);
  CHECK(__wasi_proc_spawn2(name, args, "", NULL, 0, give, 2, __WASI_BOOL_FALSE, "", &pid) == 0);
  int code = -1;
  CHECK(join(pid, &code) == 0 && code == 0);
  return 0;
}

/* proc_snapshot asks the host to save the process for a later restore. */
static int t_proc_snapshot(int argc, char **argv) {
  printf("proc_snapshot: %s\n", ename(__wasi_proc_snapshot()));
  return 0;
}

const struct ctest proc_tests[] = {
    {"exit-code", t_exit_code},
    {"exit", t_exit},
    {"_exit", t__exit},
    {"exit-fpr", t_exit_fpr},
    {"exit-hello", t_exit_hello},
    {"exec", t_exec},
    {"exec2", t_exec2},
    {"exec3", t_exec3},
    {"exec3-empty-argv", t_exec3_empty_argv},
    {"exec3-errors", t_exec3_errors},
    {"exec-child", t_exec_child},
    {"proc-id", t_proc_id},
    {"proc-parent", t_proc_parent},
    {"ppid-child", t_ppid_child},
    {"proc-spawn", t_proc_spawn},
    {"proc-join", t_proc_join},
    {"join-child", t_join_child},
    {"proc-spawn2", t_proc_spawn2},
    {"fd10-child", t_fd10_child},
    {"hello-child", t_hello_child},
    {"spawned", t_spawned},
    {"proc-raise", t_proc_raise},
    {"proc-signal", t_proc_signal},
    {"signal-child", t_signal_child},
    {"proc-signals-get", t_proc_signals_get},
    {"dispositions-child", t_dispositions_child},
    {"proc-snapshot", t_proc_snapshot},
    {NULL, NULL},
};
