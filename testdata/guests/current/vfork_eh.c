/* vfork_eh: libc's own vfork, as the exception-handling flavour of wasix-libc (wasixcc-eh) makes it:
 * setjmp around proc_fork_env, and proc_exit2 or exec returning in the parent, which longjmps back.
 * Prints one line per step; the exec step runs the command "exitprog" (the exit guest). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
  int fds[2];
  if (pipe(fds) != 0) return 2;
  pid_t parent = getpid();
  volatile pid_t seen = 0;
  pid_t pid = vfork();
  if (pid == 0) {
    seen = getpid();
    close(fds[1]); /* the child's copy only */
    _exit(5);
  }
  int st = 0;
  waitpid(pid, &st, 0);
  printf("vfork+_exit: child %s, pid seen in child %s, status %d\n", pid > 0 && pid != parent ? "ok" : "bad",
         seen == pid ? "ok" : "bad", WEXITSTATUS(st));
  fflush(stdout);
  printf("parent's pipe end still open: %s\n", write(fds[1], "x", 1) == 1 ? "yes" : "no");
  fflush(stdout); /* before the child execs: its output comes next */

  pid = vfork();
  if (pid == 0) {
    execl("/bin/exitprog", "exitprog", "_exit", "9", (char *)0);
    _exit(127);
  }
  waitpid(pid, &st, 0);
  printf("vfork+exec: status %d\n", WEXITSTATUS(st));

  pid = vfork();
  if (pid == 0) {
    execl("/no/such/program", "x", (char *)0);
    _exit(127);
  }
  waitpid(pid, &st, 0);
  printf("vfork+failed exec: status %d\n", WEXITSTATUS(st));
  return getpid() == parent ? 0 : 1;
}
