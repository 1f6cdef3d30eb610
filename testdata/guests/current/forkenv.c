/* forkenv: wasix-libc's asyncify-free vfork through its raw calls: proc_fork_env makes the child
 * and from then on this thread's calls act for it; proc_exit2 or a successful proc_exec3 return
 * in the parent (wasix-libc's EH build then longjmps back to the vfork; here the code simply goes
 * on). argv[1]: "checks" (TAP), or "proc_exit" (the child calls proc_exit: the parent ends 129).
 * The exec check runs the command "exitprog" (the exit guest), which the runner must provide. */
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <wasi/api_wasix.h>

#include "t.h"

static __wasi_pid_t my_pid(void) {
  __wasi_pid_t pid = 0;
  if (__wasi_proc_id(&pid) != 0) return 0;
  return pid;
}

static int wait_status(__wasi_pid_t pid) {
  int st = 0;
  if (waitpid((pid_t)pid, &st, 0) != (pid_t)pid) return -1;
  return WIFEXITED(st) ? WEXITSTATUS(st) : 1000 + WTERMSIG(st);
}

static void checks(void) {
  __wasi_pid_t parent = my_pid();
  int fds[2];
  T_OK(pipe(fds) == 0, "pipe");

  /* vfork + _exit */
  __wasi_pid_t child = 0, seen = 0, seen_parent = 0;
  int child_close = -1;
  __wasi_errno_t err = __wasi_proc_fork_env(&child);
  T_OK(err == 0, "proc_fork_env succeeds");
  if (err == 0) {
    /* the child's environment: its own pid, a copy of the descriptors */
    seen = my_pid();
    if (__wasi_proc_parent(seen, &seen_parent) != 0) seen_parent = 0;
    write(fds[1], "c", 1);
    child_close = close(fds[1]);
    __wasi_proc_exit2(7); /* returns, in the parent */
  }
  T_OK(child > 0 && child != parent, "the child has a pid of its own (%u, parent %u)", child, parent);
  T_OK(seen == child, "in the child, proc_id is the child's (%u)", seen);
  T_OK(seen_parent == parent, "in the child, proc_parent is the parent (%u)", seen_parent);
  T_OK(my_pid() == parent, "after proc_exit2 the calls act for the parent again");
  T_OK(child_close == 0 && write(fds[1], "p", 1) == 1, "the child's close left the parent's descriptor open");
  char buf[4] = {0};
  T_OK(read(fds[0], buf, 2) == 2 && memcmp(buf, "cp", 2) == 0, "both wrote to the pipe (%s)", buf);
  T_OK(wait_status(child) == 7, "waitpid gives the child's _exit status 7");

  /* vfork + exec */
  err = __wasi_proc_fork_env(&child);
  if (err == 0) {
    err = __wasi_proc_exec3("exitprog", "exitprog\n_exit\n9", "", 1, "/bin:/usr/bin");
    if (err != 0) __wasi_proc_exit2(100 + err); /* in the child, if the exec failed */
  }
  T_OK(my_pid() == parent, "after the exec the calls act for the parent again");
  T_OK(wait_status(child) == 9, "the exec'd program ran as the child and exited 9");

  /* vfork + a failed exec: the child gets the error and _exits */
  __wasi_errno_t exec_err = 0;
  err = __wasi_proc_fork_env(&child);
  if (err == 0) {
    exec_err = __wasi_proc_exec3("no-such-program", "no-such-program", "", 1, "/bin");
    __wasi_proc_exit2(127);
  }
  T_OK(exec_err == __WASI_ERRNO_NOENT, "a failed exec returns ENOENT in the child (%d)", exec_err);
  T_OK(wait_status(child) == 127, "and its _exit(127) is what the parent sees");

  /* nested: the child vforks a grandchild */
  __wasi_pid_t grandchild = 0, gseen = 0;
  err = __wasi_proc_fork_env(&child);
  if (err == 0) {
    if (__wasi_proc_fork_env(&grandchild) == 0) {
      gseen = my_pid();
      __wasi_proc_exit2(3);
    }
    int gst = wait_status(grandchild);
    __wasi_proc_exit2(gst == 3 ? 4 : 5);
  }
  T_OK(gseen == grandchild && grandchild != child, "a child's proc_fork_env makes a grandchild");
  T_OK(wait_status(child) == 4, "the child waited for the grandchild's 3 and exited 4");
  T_OK(my_pid() == parent, "back in the parent after the nested vfork");

  T_OK(__wasi_proc_fork_env((__wasi_pid_t *)0xFFFFFFF0u) != 0, "a bad pid pointer fails, no child");
}

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "checks";
  if (strcmp(mode, "checks") == 0) {
    checks();
    return t_done();
  }
  if (strcmp(mode, "proc_exit") == 0) {
    __wasi_pid_t child;
    if (__wasi_proc_fork_env(&child) == 0) __wasi_proc_exit(5);
    printf("parent went on\n");
    return 0;
  }
  return 2;
}
