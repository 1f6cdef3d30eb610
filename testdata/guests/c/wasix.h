/*
 * wasix.h - the few wasix_32v1 calls of the current generation that the
 * guests use, declared by hand with the core signatures of
 * shared/abi/wasix-current.functions.tsv (errno returned as i32, one
 * out-pointer appended per result element, small flags widened to i32).
 *
 * A program built with wasi-libc plus these imports imports preview1 calls
 * from wasi_snapshot_preview1 and WASIX calls from wasix_32v1: that is the
 * "current" generation.
 */
#ifndef GUEST_WASIX_H
#define GUEST_WASIX_H

#include <stdint.h>

#define WASIX_IMPORT(name) __attribute__((import_module("wasix_32v1"), import_name(#name)))

/* tty record, 24 bytes, align 4 */
struct wasix_tty {
    uint32_t cols;
    uint32_t rows;
    uint32_t width;
    uint32_t height;
    uint8_t stdin_tty;
    uint8_t stdout_tty;
    uint8_t stderr_tty;
    uint8_t echo;
    uint8_t line_buffered;
    uint8_t line_feeds;
    uint8_t pad[2];
};
_Static_assert(sizeof(struct wasix_tty) == 24, "tty is 24 bytes");

#define WASIX_EVENTFD_SEMAPHORE 1
#define WASIX_FDFLAGSEXT_CLOEXEC 1

/* clock_time_set: (id:clockid, timestamp) -> errno;  core (i32 i64) -> i32 */
WASIX_IMPORT(clock_time_set) int32_t wasix_clock_time_set(int32_t id, int64_t timestamp);
/* fd_dup: (fd) -> fd;  core (i32 i32) -> i32 */
WASIX_IMPORT(fd_dup) int32_t wasix_fd_dup(int32_t fd, uint32_t *out);
/* fd_dup2 (current): (fd, min_result_fd, cloexec:bool) -> fd;  core (i32 i32 i32 i32) -> i32 */
WASIX_IMPORT(fd_dup2) int32_t wasix_fd_dup2(int32_t fd, int32_t min_result_fd, int32_t cloexec, uint32_t *out);
/* fd_event: (initial_val:u64, flags:eventfdflags) -> fd;  core (i64 i32 i32) -> i32 */
WASIX_IMPORT(fd_event) int32_t wasix_fd_event(int64_t initial, int32_t flags, uint32_t *out);
/* callback_signal: (callback:string) -> ();  core (i32 i32) -> () */
WASIX_IMPORT(callback_signal) void wasix_callback_signal(const char *name, uint32_t name_len);
/* fd_pipe: () -> (fd, fd);  core (i32 i32) -> i32. Current: first read end, second write end. */
WASIX_IMPORT(fd_pipe) int32_t wasix_fd_pipe(uint32_t *fd0, uint32_t *fd1);
/* tty_get / tty_set: (state:pointer<tty>);  core (i32) -> i32 */
WASIX_IMPORT(tty_get) int32_t wasix_tty_get(struct wasix_tty *state);
WASIX_IMPORT(tty_set) int32_t wasix_tty_set(struct wasix_tty *state);
/* getcwd: (path:pointer<u8>, path_len:pointer<pointersize>);  core (i32 i32) -> i32 */
WASIX_IMPORT(getcwd) int32_t wasix_getcwd(char *path, uint32_t *path_len);
/* chdir: (path:string);  core (i32 i32) -> i32 */
WASIX_IMPORT(chdir) int32_t wasix_chdir(const char *path, uint32_t path_len);
/* thread_id: () -> tid;  core (i32) -> i32 */
WASIX_IMPORT(thread_id) int32_t wasix_thread_id(uint32_t *tid);
/* thread_parallelism: () -> size;  core (i32) -> i32 */
WASIX_IMPORT(thread_parallelism) int32_t wasix_thread_parallelism(uint32_t *n);
/* proc_id: () -> pid;  core (i32) -> i32 */
WASIX_IMPORT(proc_id) int32_t wasix_proc_id(uint32_t *pid);
/* proc_parent: (pid) -> pid;  core (i32 i32) -> i32 */
WASIX_IMPORT(proc_parent) int32_t wasix_proc_parent(uint32_t pid, uint32_t *parent);
/* fd_fdflags_get: (fd) -> fdflagsext;  core (i32 i32) -> i32 */
WASIX_IMPORT(fd_fdflags_get) int32_t wasix_fd_fdflags_get(int32_t fd, uint16_t *flags);
/* fd_fdflags_set: (fd, flags:fdflagsext);  core (i32 i32) -> i32 */
WASIX_IMPORT(fd_fdflags_set) int32_t wasix_fd_fdflags_set(int32_t fd, int32_t flags);
/* path_open2: (fd, dirflags, path:string, oflags, rights_base, rights_inheriting, fdflags, fdflagsext) -> fd;
 * core (i32 i32 i32 i32 i32 i64 i64 i32 i32 i32) -> i32 */
WASIX_IMPORT(path_open2)
int32_t wasix_path_open2(int32_t fd, int32_t dirflags, const char *path, uint32_t path_len, int32_t oflags,
                         int64_t rights_base, int64_t rights_inheriting, int32_t fdflags, int32_t fdflagsext,
                         uint32_t *out);

#endif /* GUEST_WASIX_H */
