/*
 * vfork PROG - vfork (setjmp around proc_fork_env in this libc) then
 * execv PROG with argument "exit7" in the child; the parent must see the
 * child's exit status 7. Run as "vfork - exit7" it is that child: it exits 7.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "../c/check.h"

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "exit7") == 0)
        return 7;
    const char *prog = argc > 1 ? argv[1] : "/bin/vfork";
    volatile int touched = 0;
    pid_t pid = vfork();
    if (pid == 0) {
        touched = 1;
        char *args[] = {(char *)prog, "exit7", 0};
        execv(prog, args);
        _exit(127);
    }
    if (!expect(pid > 0, "vfork", "pid %d", (int)pid))
        return check_done();
    int status = 0;
    pid_t got = waitpid(pid, &status, 0);
    expect(got == pid, "waitpid the child", "got %d", (int)got);
    expect(WIFEXITED(status) && WEXITSTATUS(status) == 7, "child exec'd and exited 7", "status %x", status);
    expect(touched == 1, "the child ran in the parent's memory until exec", "touched %d", touched);
    return check_done();
}
