/*
 * proctest - checks of the process calls, one per subcommand:
 *   proctest fork|vfork|exec-path|exec-command|exec2|spawn|join|signal|crash|setjmp|pipe|orphan
 * Each prints what it saw; the Go test compares the lines.
 */
#include "wasixproc.h"
#include <time.h>
#include <unistd.h>

static int shared = 1;        /* in memory: forks get copies */
static char big[1 << 20];     /* 1 MiB through a pipe */

static void sleep_ms(int ms) {
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static int do_fork(void) {
    int32_t pid = wx_fork();
    if (pid < 0) wx_check(-pid, "fork");
    if (pid == 0) {
        shared = 2;
        printf("child: shared=%d pid-is-new=%d parent-ok=%d\n", shared, wx_getpid() != 1, wx_getppid() == 1);
        fflush(stdout);
        exit(7);
    }
    int code = 0, sig = 0;
    int32_t got = wx_waitpid((uint32_t)pid, &code, &sig, 0);
    printf("parent: shared=%d joined=%d code=%d sig=%d\n", shared, got == pid, code, sig);
    return 0;
}

static int do_vfork(void) {
    int32_t pid = wx_vfork();
    if (pid < 0) wx_check(-pid, "vfork");
    if (pid == 0) {
        char *argv[] = {"echo", "from", "exec", NULL};
        int32_t err = wx_execvp("echo", argv);
        fprintf(stderr, "exec failed: %d\n", err);
        _Exit(127);
    }
    printf("parent: child=%d status=%d\n", pid > 1, wx_wait_status((uint32_t)pid));
    return 0;
}

/* exec through PATH (argv[2] names a directory put first on it) or through
 * the command table (no such file anywhere). */
static int do_exec(const char *how, const char *dir) {
    if (dir) {
        char path[256];
        snprintf(path, sizeof path, "%s:/nowhere", dir);
        setenv("PATH", path, 1);
    } else {
        setenv("PATH", "/nowhere", 1);
    }
    char *argv[] = {"echo", "exec", (char *)how, NULL};
    int32_t err = wx_execvp("echo", argv);
    printf("exec failed: %d\n", err);
    return 1;
}

/* proc_exec2 with an environment of its own; env prints it. */
static int do_exec2(void) {
    const char args[] = "env", envs[] = "ONLY=this\nAND=that";
    fflush(NULL);
    wx_proc_exec2("env", 3, args, sizeof args - 1, envs, sizeof envs - 1);
}

static void read_all(int fd, char *buf, size_t cap) {
    size_t n = 0;
    for (;;) {
        __wasi_size_t got = 0;
        __wasi_iovec_t iov = {(uint8_t *)buf + n, cap - 1 - n};
        if (__wasi_fd_read(fd, &iov, 1, &got) || got == 0) break;
        n += got;
    }
    buf[n] = 0;
}

static int do_spawn(void) {
    struct wx_handles h;
    char out[256];
    /* piped stdout and stdin */
    wx_check(wx_proc_spawn("cat", 3, 0, "cat", 3, "", 0, WX_PIPED, WX_PIPED, WX_INHERIT, "", 0, &h), "spawn piped");
    if (!h.in.tag || !h.out.tag || h.err.tag) { printf("bad handles\n"); return 1; }
    const char msg[] = "through cat\n";
    __wasi_ciovec_t iov = {(const uint8_t *)msg, sizeof msg - 1};
    __wasi_size_t n;
    __wasi_fd_write(h.in.fd, &iov, 1, &n);
    __wasi_fd_close(h.in.fd);
    read_all(h.out.fd, out, sizeof out);
    __wasi_fd_close(h.out.fd);
    printf("piped: %s", out);
    printf("piped status=%d\n", wx_wait_status(h.pid));
    /* null stdout: nothing shows */
    wx_check(wx_proc_spawn("echo", 4, 0, "echo\nnull-is-silent", 22, "", 0, WX_NULL, WX_NULL, WX_NULL, "", 0, &h), "spawn null");
    printf("null status=%d\n", wx_wait_status(h.pid));
    /* inherit: the child writes to our stdout */
    fflush(stdout);
    wx_check(wx_proc_spawn("echo", 4, 0, "echo\ninherited", 14, "", 0, WX_INHERIT, WX_INHERIT, WX_INHERIT, "", 0, &h), "spawn inherit");
    printf("inherit status=%d\n", wx_wait_status(h.pid));
    /* log: stdout goes to our stderr */
    wx_check(wx_proc_spawn("echo", 4, 0, "echo\nto-the-log", 16, "", 0, WX_NULL, WX_LOG, WX_LOG, "", 0, &h), "spawn log");
    printf("log status=%d\n", wx_wait_status(h.pid));
    /* working directory */
    wx_check(wx_proc_spawn("pwd", 3, 0, "pwd", 3, "", 0, WX_NULL, WX_PIPED, WX_INHERIT, "/tmp", 4, &h), "spawn wd");
    read_all(h.out.fd, out, sizeof out);
    printf("wd: %s", out);
    wx_wait_status(h.pid);
    /* not found */
    int32_t err = wx_proc_spawn("no-such-program", 15, 0, "", 0, "", 0, WX_NULL, WX_NULL, WX_NULL, "", 0, &h);
    printf("missing: errno=%d\n", err);
    return 0;
}

static int do_join(void) {
    int code, sig;
    /* no children */
    printf("none: %d\n", wx_waitpid(0, &code, &sig, 0));
    int32_t a = wx_fork();
    if (a == 0) { sleep_ms(50); _Exit(3); }
    int32_t b = wx_fork();
    if (b == 0) _Exit(4);
    /* non-blocking while a sleeps: maybe b, never a */
    int32_t first = wx_waitpid((uint32_t)a, &code, &sig, WX_NONBLOCK);
    printf("nonblock a: %d\n", first);
    /* any child, twice */
    int seen = 0, total = 0;
    for (int i = 0; i < 2; i++) {
        int32_t got = wx_waitpid(0, &code, &sig, 0);
        if (got == a || got == b) seen++;
        total += code;
    }
    printf("any: seen=%d codes=%d\n", seen, total);
    printf("after: %d\n", wx_waitpid(0, &code, &sig, WX_NONBLOCK));
    return 0;
}

static int do_signal(void) {
    int32_t pid = wx_fork();
    if (pid == 0) { for (;;) sleep_ms(10); }
    sleep_ms(20);
    wx_check(wx_proc_signal((uint32_t)pid, 15 /* SIGTERM */), "proc_signal");
    int code = 0, sig = 0;
    wx_waitpid((uint32_t)pid, &code, &sig, 0);
    printf("killed: code=%d sig=%d\n", code, sig);
    /* a child raising a signal on itself */
    pid = wx_fork();
    if (pid == 0) { wx_raise(6 /* SIGABRT */); _Exit(0); }
    wx_waitpid((uint32_t)pid, &code, &sig, 0);
    printf("raised: code=%d sig=%d\n", code, sig);
    return 0;
}

/* a child that traps is reported as killed by SIGABRT */
static int do_crash(void) {
    int32_t pid = wx_fork();
    if (pid == 0) __builtin_trap();
    int code = 0, sig = 0;
    wx_waitpid((uint32_t)pid, &code, &sig, 0);
    printf("crashed: code=%d sig=%d\n", code, sig);
    return 0;
}

static wx_jmp_buf jb;
static int depth_reached;

__attribute__((noinline)) static void deep(int n) {
    depth_reached = n;
    if (n == 0) wx_longjmp(jb, 42);
    deep(n - 1);
}

static int do_setjmp(void) {
    volatile int round = 0;
    int v = wx_setjmp(jb);
    round++;
    printf("setjmp returned %d (round %d)\n", v, round);
    if (v == 0) deep(5);
    /* across fork: the child jumps to a point the parent saved */
    static wx_jmp_buf before;
    int w = wx_setjmp(before);
    if (w == 9) {
        printf("child landed before the fork: pid-is-child=%d\n", wx_getpid() != 1);
        fflush(stdout);
        _Exit(5);
    }
    int32_t pid = wx_fork();
    if (pid == 0) wx_longjmp(before, 9);
    printf("parent: child status=%d\n", wx_wait_status((uint32_t)pid));
    return 0;
}

static int do_pipe(void) {
    int fds[2];
    wx_check(-wx_pipe(fds), "pipe");
    for (size_t i = 0; i < sizeof big; i++) big[i] = (char)(i * 7);
    int32_t pid = wx_fork();
    if (pid == 0) {
        __wasi_fd_close(fds[0]);
        size_t off = 0;
        while (off < sizeof big) {
            __wasi_ciovec_t iov = {(const uint8_t *)big + off, sizeof big - off};
            __wasi_size_t n = 0;
            if (__wasi_fd_write(fds[1], &iov, 1, &n)) _Exit(1);
            off += n;
        }
        _Exit(0);
    }
    __wasi_fd_close(fds[1]);
    static char in[1 << 20];
    size_t n = 0;
    for (;;) {
        __wasi_size_t got = 0;
        __wasi_iovec_t iov = {(uint8_t *)in + n, sizeof in - n};
        if (n == sizeof in || __wasi_fd_read(fds[0], &iov, 1, &got) || got == 0) break;
        n += got;
    }
    printf("pipe: %zu bytes, same=%d, status=%d\n", n, memcmp(in, big, n) == 0, wx_wait_status((uint32_t)pid));
    return 0;
}

static int do_orphan(void) {
    int fds[2];
    wx_check(-wx_pipe(fds), "pipe");
    int32_t mid = wx_fork();
    if (mid == 0) {
        int32_t g = wx_fork();
        if (g == 0) {
            /* wait for the middle process to end, then report the parent */
            for (int i = 0; i < 200 && wx_getppid() != 1; i++) sleep_ms(5);
            char msg[64];
            int l = snprintf(msg, sizeof msg, "grandchild parent=%u\n", wx_getppid());
            __wasi_ciovec_t iov = {(const uint8_t *)msg, (size_t)l};
            __wasi_size_t n;
            __wasi_fd_write(fds[1], &iov, 1, &n);
            _Exit(6);
        }
        _Exit(0);
    }
    __wasi_fd_close(fds[1]);
    printf("middle status=%d\n", wx_wait_status((uint32_t)mid));
    char buf[128];
    read_all(fds[0], buf, sizeof buf);
    printf("%s", buf);
    /* the grandchild is now ours (pid 1) to reap */
    int code = 0, sig = 0;
    int32_t got = wx_waitpid(0, &code, &sig, 0);
    printf("reaped orphan: %d code=%d\n", got > 1, code);
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: proctest CHECK\n"); return 2; }
    const char *c = argv[1];
    if (!strcmp(c, "fork")) return do_fork();
    if (!strcmp(c, "vfork")) return do_vfork();
    if (!strcmp(c, "exec-path")) return do_exec("path", argc > 2 ? argv[2] : "/tmp");
    if (!strcmp(c, "exec-command")) return do_exec("command", NULL);
    if (!strcmp(c, "exec2")) return do_exec2();
    if (!strcmp(c, "spawn")) return do_spawn();
    if (!strcmp(c, "join")) return do_join();
    if (!strcmp(c, "signal")) return do_signal();
    if (!strcmp(c, "setjmp")) return do_setjmp();
    if (!strcmp(c, "crash")) return do_crash();
    if (!strcmp(c, "pipe")) return do_pipe();
    if (!strcmp(c, "orphan")) return do_orphan();
    fprintf(stderr, "unknown check %s\n", c);
    return 2;
}
