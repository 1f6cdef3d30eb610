/*
 * wasixproc.h - the process calls of the current wasix_32v1 generation,
 * declared by hand with their core signatures, and small POSIX-like
 * wrappers over them (fork, vfork, execvp, waitpid, kill, pipe, setjmp).
 *
 * Programs using fork or the setjmp here are run through
 * `wasm-opt --asyncify` and export __stack_pointer, __data_end and
 * __heap_base (see the Makefile), as the runtime needs them to save and
 * rewind the stack.
 */
#ifndef WASIXPROC_H
#define WASIXPROC_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

#define WX(name) __attribute__((import_module("wasix_32v1"), import_name(#name)))

WX(proc_fork) int32_t wx_proc_fork(int32_t copy_memory, uint32_t *pid);
WX(proc_exec3) int32_t wx_proc_exec3(const char *name, uint32_t name_len, const char *args, uint32_t args_len,
                                     const char *envs, uint32_t envs_len, int32_t search_path, const char *path,
                                     uint32_t path_len);
WX(proc_exec2) _Noreturn void wx_proc_exec2(const char *name, uint32_t name_len, const char *args, uint32_t args_len,
                                             const char *envs, uint32_t envs_len);
WX(proc_spawn) int32_t wx_proc_spawn(const char *name, uint32_t name_len, int32_t chroot, const char *args,
                                     uint32_t args_len, const char *preopen, uint32_t preopen_len, int32_t in,
                                     int32_t out, int32_t err, const char *wd, uint32_t wd_len, void *handles);
WX(proc_join) int32_t wx_proc_join(void *option_pid, int32_t flags, void *status);
WX(proc_signal) int32_t wx_proc_signal(uint32_t pid, int32_t sig);
WX(proc_id) int32_t wx_proc_id(uint32_t *pid);
WX(proc_parent) int32_t wx_proc_parent(uint32_t pid, uint32_t *parent);
WX(fd_pipe) int32_t wx_fd_pipe(uint32_t *rd, uint32_t *wr);
WX(stack_checkpoint) int32_t wx_stack_checkpoint(void *snapshot, uint64_t *val);
__attribute__((import_module("wasi_snapshot_preview1"), import_name("proc_raise"))) int32_t wx_raise(int32_t sig);
WX(stack_restore) _Noreturn void wx_stack_restore(const void *snapshot, uint64_t val);

/* stdio_mode */
enum { WX_PIPED = 0, WX_INHERIT = 1, WX_NULL = 2, WX_LOG = 3 };
/* join_flags */
enum { WX_NONBLOCK = 1 };
/* join_status_type */
enum { WX_NOTHING = 0, WX_EXIT_NORMAL = 1, WX_EXIT_SIGNAL = 2 };

struct wx_option_pid { uint8_t tag; uint8_t pad[3]; uint32_t pid; };
struct wx_join_status { uint8_t tag; uint8_t pad; uint16_t code; uint8_t sig; uint8_t pad2; };
struct wx_option_fd { uint8_t tag; uint8_t pad[3]; uint32_t fd; };
struct wx_handles { uint32_t pid; struct wx_option_fd in, out, err; };
struct wx_snapshot { uint64_t user; uint8_t hash[16]; };
_Static_assert(sizeof(struct wx_join_status) == 6, "join_status is 6 bytes");
_Static_assert(sizeof(struct wx_handles) == 28, "process_handles is 28 bytes");
_Static_assert(sizeof(struct wx_snapshot) == 24, "stack_snapshot is 24 bytes");

static inline void wx_check(int32_t err, const char *what) {
    if (err != 0) {
        fprintf(stderr, "%s: errno %d\n", what, (int)err);
        fflush(stderr);
        _Exit(99);
    }
}

static inline uint32_t wx_getpid(void) { uint32_t p = 0; wx_proc_id(&p); return p; }
static inline uint32_t wx_getppid(void) { uint32_t q = 0; wx_proc_parent(wx_getpid(), &q); return q; }

/* fork: 0 in the child, the child's pid in the parent, -errno on failure. */
static inline int32_t wx_fork(void) {
    fflush(NULL); /* the child must not write the parent's buffered output again */
    uint32_t pid = 0;
    int32_t err = wx_proc_fork(1, &pid);
    return err ? -err : (int32_t)pid;
}
static inline int32_t wx_vfork(void) {
    fflush(NULL);
    uint32_t pid = 0;
    int32_t err = wx_proc_fork(0, &pid);
    return err ? -err : (int32_t)pid;
}

/* joins argv (NULL-terminated) with newlines into buf. */
static inline size_t wx_joinv(char *buf, size_t cap, char *const *v) {
    size_t n = 0;
    for (; v && *v; v++) {
        size_t l = strlen(*v);
        if (n + l + 1 >= cap) break;
        memcpy(buf + n, *v, l);
        n += l;
        buf[n++] = '\n';
    }
    buf[n] = 0;
    return n;
}

extern char **environ;

/* execvp: searches PATH (then the runtime's commands) for names without a
 * slash. Returns the errno only on failure. */
static inline int32_t wx_execvp(const char *file, char *const argv[]) {
    static char args[8192], envs[16384];
    size_t na = wx_joinv(args, sizeof args, argv);
    size_t ne = wx_joinv(envs, sizeof envs, environ);
    fflush(NULL);
    return wx_proc_exec3(file, strlen(file), args, na, envs, ne, 1, "", 0);
}

/* waitpid: pid 0 for any child. *code gets the exit code, *sig the signal
 * (0 when it exited). Returns the pid, 0 when nothing ended (nonblock),
 * -errno on failure. */
static inline int32_t wx_waitpid(uint32_t pid, int *code, int *sig, int flags) {
    struct wx_option_pid op = {0};
    struct wx_join_status st = {0};
    if (pid) { op.tag = 1; op.pid = pid; }
    int32_t err = wx_proc_join(&op, flags, &st);
    if (err) return -err;
    if (st.tag == WX_NOTHING) return 0;
    if (code) *code = st.code;
    if (sig) *sig = st.tag == WX_EXIT_SIGNAL ? st.sig : 0;
    return (int32_t)op.pid;
}

/* waitpid's status folded the shell's way: 128+n for a signal. */
static inline int wx_wait_status(uint32_t pid) {
    int code = 0, sig = 0;
    if (wx_waitpid(pid, &code, &sig, 0) <= 0) return 127;
    return sig ? 128 + sig : code;
}

static inline int wx_pipe(int fds[2]) {
    uint32_t r, w;
    int32_t err = wx_fd_pipe(&r, &w);
    if (err) return -err;
    fds[0] = (int)r;
    fds[1] = (int)w;
    return 0;
}

static inline int wx_dup2(int from, int to) {
    if (from == to) return 0;
    return __wasi_fd_renumber(from, to) ? -1 : 0;
}

/* setjmp/longjmp: a jmp_buf is a stack snapshot. */
typedef struct wx_snapshot wx_jmp_buf[1];
#define wx_setjmp(b) ((int)wx_setjmp_(b))
__attribute__((noinline, unused)) static uint64_t wx_setjmp_(wx_jmp_buf b) {
    uint64_t v = 0;
    wx_check(wx_stack_checkpoint(b, &v), "stack_checkpoint");
    return v;
}
static inline _Noreturn void wx_longjmp(wx_jmp_buf b, int v) { wx_stack_restore(b, v ? v : 1); }

#endif
