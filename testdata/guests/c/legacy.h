/*
 * legacy.h - a tiny freestanding runtime for the 2022 and seed generations.
 *
 * Programs of those generations import EVERYTHING from wasix_32v1, the
 * preview1 calls included, so they cannot link wasi-libc (which imports
 * wasi_snapshot_preview1). This header gives them:
 *   - the wasix_32v1 calls whose signatures are the same in 2022 and seed
 *     (the generation-specific thread_spawn / proc_join are declared by each
 *     program, with its generation's core signature);
 *   - the check.h output, written with wasix_32v1.fd_write;
 *   - _start, which reads the arguments with wasix_32v1.args_get, calls
 *     guest_main(argc, argv) and ends with wasix_32v1.proc_exit(status);
 *   - memset/memcpy/memmove, which the compiler may call on its own.
 * Include it in exactly one .c file, built with -ffreestanding -nostdlib.
 */
#ifndef GUEST_LEGACY_H
#define GUEST_LEGACY_H

#include <stddef.h>
#include <stdint.h>

#define WX(name) __attribute__((import_module("wasix_32v1"), import_name(#name)))

/* Same core signatures in wasix-2022 and wasix-seed (see shared/abi). */
WX(args_sizes_get) int32_t wx_args_sizes_get(uint32_t *argc, uint32_t *size);
WX(args_get) int32_t wx_args_get(uint8_t **argv, uint8_t *buf);
WX(fd_write) int32_t wx_fd_write(int32_t fd, const void *iovs, uint32_t n, uint32_t *written);
WX(fd_read) int32_t wx_fd_read(int32_t fd, const void *iovs, uint32_t n, uint32_t *nread);
WX(fd_close) int32_t wx_fd_close(int32_t fd);
WX(fd_fdstat_set_flags) int32_t wx_fd_fdstat_set_flags(int32_t fd, int32_t flags);
WX(clock_time_get) int32_t wx_clock_time_get(int32_t id, int64_t precision, uint64_t *out);
WX(poll_oneoff) int32_t wx_poll_oneoff(const void *in, void *out, uint32_t n, uint32_t *nevents);
WX(proc_exit) _Noreturn void wx_proc_exit(uint32_t code);
WX(proc_id) int32_t wx_proc_id(uint32_t *pid);
WX(fd_pipe) int32_t wx_fd_pipe(uint32_t *fd0, uint32_t *fd1);
WX(getcwd) int32_t wx_getcwd(char *path, uint32_t *path_len);
WX(chdir) int32_t wx_chdir(const char *path, uint32_t path_len);

struct wx_iovec {
    const void *buf;
    uint32_t len;
};

#define CHECK_FREESTANDING 1
static int check_write_fd1(const char *p, unsigned n) {
    struct wx_iovec iov = {p, n};
    uint32_t written = 0;
    return wx_fd_write(1, &iov, 1, &written);
}

#include "check.h"

/* the errno values used here (the same in every generation) */
#define __WASI_ERRNO_BADF 8
#define __WASI_ERRNO_CHILD 12
#define __WASI_ERRNO_NOENT 44
#define __WASI_ERRNO_OVERFLOW 61
#define __WASI_ERRNO_PIPE 64

/* The compiler may emit calls to these even in freestanding code. */
void *memset(void *dst, int c, size_t n) {
    unsigned char *d = dst;
    while (n--)
        *d++ = (unsigned char)c;
    return dst;
}

void *memmove(void *dst, const void *src, size_t n) {
    unsigned char *d = dst;
    const unsigned char *s = src;
    if (d < s) {
        while (n--)
            *d++ = *s++;
    } else {
        while (n--)
            d[n] = s[n];
    }
    return dst;
}

void *memcpy(void *dst, const void *src, size_t n) { return memmove(dst, src, n); }

/* A volatile zero the compiler cannot see through: calls guarded by it stay
 * in the binary (so their imports decide the generation) but never run. */
volatile int legacy_never;

static int guest_main(int argc, char **argv);

#define LEGACY_MAX_ARGS 32
#define LEGACY_ARG_BYTES 4096

void _start(void) {
    static uint8_t *argv[LEGACY_MAX_ARGS + 1];
    static uint8_t buf[LEGACY_ARG_BYTES];
    uint32_t argc = 0, size = 0;
    if (wx_args_sizes_get(&argc, &size) != 0 || argc > LEGACY_MAX_ARGS || size > LEGACY_ARG_BYTES) {
        fail("args_sizes_get", "argc %u size %u", argc, size);
        wx_proc_exit(1);
    }
    if (wx_args_get(argv, buf) != 0) {
        fail("args_get", "failed");
        wx_proc_exit(1);
    }
    argv[argc] = 0;
    wx_proc_exit((uint32_t)guest_main((int)argc, (char **)argv));
}

/* small helpers */

static int wx_write_str(int32_t fd, const char *s, int32_t *err) {
    struct wx_iovec iov = {s, check_strlen(s)};
    uint32_t n = 0;
    *err = wx_fd_write(fd, &iov, 1, &n);
    return (int)n;
}

static int wx_read_str(int32_t fd, char *buf, unsigned cap, int32_t *err) {
    struct wx_iovec iov = {buf, cap - 1};
    uint32_t n = 0;
    *err = wx_fd_read(fd, &iov, 1, &n);
    if (*err)
        n = 0;
    buf[n] = 0;
    return (int)n;
}

/* poll_oneoff layouts, the same in every generation (48 and 32 bytes) */
struct wx_subscription {
    uint64_t userdata;
    uint8_t tag; /* 0 clock, 1 fd_read, 2 fd_write */
    uint8_t pad[7];
    union {
        struct {
            uint32_t id;
            uint32_t pad;
            uint64_t timeout;
            uint64_t precision;
            uint16_t flags;
            uint16_t pad2[3];
        } clock;
        struct {
            uint32_t fd;
        } rw;
    } u;
};
_Static_assert(sizeof(struct wx_subscription) == 48, "subscription is 48 bytes");

struct wx_event {
    uint64_t userdata;
    uint16_t error;
    uint8_t type;
    uint8_t pad[5];
    uint64_t nbytes;
    uint16_t flags;
    uint8_t pad2[6];
};
_Static_assert(sizeof(struct wx_event) == 32, "event is 32 bytes");

/* wx_readable: 1 if fd polls readable within timeout_ns, 0 if not, -1 on error */
static int wx_readable(uint32_t fd, uint64_t timeout_ns) {
    struct wx_subscription in[2];
    memset(in, 0, sizeof(in));
    in[0].userdata = 1;
    in[0].tag = 1;
    in[0].u.rw.fd = fd;
    in[1].userdata = 2;
    in[1].tag = 0;
    in[1].u.clock.id = 1; /* monotonic */
    in[1].u.clock.timeout = timeout_ns;
    struct wx_event out[2];
    uint32_t n = 0;
    if (wx_poll_oneoff(in, out, 2, &n) != 0)
        return -1;
    for (uint32_t i = 0; i < n; i++)
        if (out[i].userdata == 1 && out[i].error == 0)
            return 1;
    return 0;
}

static void wx_strcpy(char *d, const char *s) {
    while ((*d++ = *s++))
        ;
}

#endif /* GUEST_LEGACY_H */
