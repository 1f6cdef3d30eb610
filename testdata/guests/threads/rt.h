/*
 * rt.h - a freestanding runtime for the thread guests, one per generation.
 *
 * Build with exactly one of -DGEN_2022, -DGEN_SEED, -DGEN_CURRENT. The
 * calls come from wasix_32v1, except in current WASIX, which takes the
 * preview1 calls from wasi_snapshot_preview1. Every program imports a
 * shared env.memory; threads get their stacks from a static arena, and the
 * module exports __stack_pointer so that the runtime can point it at them.
 */
#ifndef THREADS_RT_H
#define THREADS_RT_H

#include <stddef.h>
#include <stdint.h>

#define WX(name) __attribute__((import_module("wasix_32v1"), import_name(#name)))
#ifdef GEN_CURRENT
#define P1(name) __attribute__((import_module("wasi_snapshot_preview1"), import_name(#name)))
#else
#define P1(name) WX(name)
#endif

P1(args_sizes_get) int32_t rt_args_sizes_get(uint32_t *argc, uint32_t *size);
P1(args_get) int32_t rt_args_get(uint8_t **argv, uint8_t *buf);
P1(fd_write) int32_t rt_fd_write(int32_t fd, const void *iovs, uint32_t n, uint32_t *written);
P1(fd_read) int32_t rt_fd_read(int32_t fd, const void *iovs, uint32_t n, uint32_t *nread);
P1(poll_oneoff) int32_t rt_poll_oneoff(const void *in, void *out, uint32_t n, uint32_t *nevents);
P1(clock_time_get) int32_t rt_clock_time_get(int32_t id, int64_t precision, uint64_t *out);
P1(proc_exit) _Noreturn void rt_proc_exit(uint32_t code);
P1(proc_raise) int32_t rt_proc_raise(int32_t sig);
P1(sched_yield) int32_t rt_sched_yield(void);

WX(fd_pipe) int32_t rt_fd_pipe(uint32_t *fd0, uint32_t *fd1);
WX(thread_id) int32_t rt_thread_id(uint32_t *tid);
WX(thread_join) int32_t rt_thread_join(uint32_t tid);
WX(thread_exit) _Noreturn void rt_thread_exit(uint32_t rval);
WX(thread_sleep) int32_t rt_thread_sleep(uint64_t ns);
WX(thread_parallelism) int32_t rt_thread_parallelism(uint32_t *n);
WX(thread_signal) int32_t rt_thread_signal(uint32_t tid, int32_t sig);
WX(futex_wait) int32_t rt_futex_wait(volatile uint32_t *w, uint32_t expected, const void *timeout, uint8_t *woken);
WX(futex_wake) int32_t rt_futex_wake(volatile uint32_t *w, uint8_t *woken);
WX(futex_wake_all) int32_t rt_futex_wake_all(volatile uint32_t *w, uint8_t *woken);
WX(callback_signal) void rt_callback_signal(const char *name, uint32_t len);
WX(proc_exec) _Noreturn void rt_proc_exec(const char *name, uint32_t name_len, const char *args, uint32_t args_len);
WX(proc_raise_interval) int32_t rt_proc_raise_interval(int32_t sig, uint64_t interval, int32_t repeat);

#if defined(GEN_2022) || defined(GEN_SEED)
#define HAVE_TLS 1
WX(thread_local_create) int32_t rt_tls_create(uint64_t user_data, uint32_t *key);
WX(thread_local_destroy) int32_t rt_tls_destroy(uint32_t key);
WX(thread_local_set) int32_t rt_tls_set(uint32_t key, uint64_t val);
WX(thread_local_get) int32_t rt_tls_get(uint32_t key, uint64_t *val);
WX(callback_thread_local_destroy) void rt_callback_tls_destroy(const char *name, uint32_t len);
#endif

#ifdef GEN_2022
WX(callback_thread) void rt_callback_thread(const char *name, uint32_t len);
WX(callback_reactor) void rt_callback_reactor(const char *name, uint32_t len);
WX(thread_spawn) int32_t rt_spawn_2022(uint64_t user_data, uint64_t stack_base, uint64_t stack_start, int32_t reactor, uint32_t *tid);
#else
/* thread_start of the seed and of current WASIX (wasm32). */
struct thread_start {
    uint32_t stack, tls_base, start_funct, start_args;
    uint32_t reserved[10];
    uint32_t stack_size, guard_size;
};
#ifdef GEN_SEED
WX(thread_spawn) int32_t rt_spawn_struct(struct thread_start *args, uint32_t *tid);
#else
WX(thread_spawn_v2) int32_t rt_spawn_struct(struct thread_start *args, uint32_t *tid);
#endif
#endif

struct rt_iovec {
    const void *buf;
    uint32_t len;
};

#define CHECK_FREESTANDING 1
static int check_write_fd1(const char *p, unsigned n) {
    struct rt_iovec iov = {p, n};
    uint32_t written = 0;
    return rt_fd_write(1, &iov, 1, &written);
}

#include "../c/check.h"

void *memset(void *dst, int c, size_t n) {
    unsigned char *d = dst;
    while (n--)
        *d++ = (unsigned char)c;
    return dst;
}

void *memcpy(void *dst, const void *src, size_t n) {
    unsigned char *d = dst;
    const unsigned char *s = src;
    while (n--)
        *d++ = *s++;
    return dst;
}

/* option_timestamp: tag at 0, nanoseconds at 8. */
struct opt_ts {
    uint8_t tag;
    uint64_t ns;
};

static uint64_t now_ns(void) {
    uint64_t t = 0;
    rt_clock_time_get(1, 1, &t);
    return t;
}

/* Threads: a fixed table, each with a stack from the arena. */
#define MAX_THREADS 80
#define STACK_SIZE 16384

typedef void (*thread_fn)(int arg);

static struct slot {
    thread_fn fn;
    int arg;
#ifndef GEN_2022
    struct thread_start start;
#endif
} slots[MAX_THREADS];
static volatile uint32_t next_slot;
static char stacks[MAX_THREADS][STACK_SIZE] __attribute__((aligned(16)));

static void run_slot(uint32_t i) { slots[i].fn(slots[i].arg); }

#ifdef GEN_2022
/* 2022: the runtime enters _start_thread(user_data) with the stack pointer
 * at stack_base. */
__attribute__((export_name("_start_thread"))) void start_thread_2022(uint64_t user_data) {
    run_slot((uint32_t)user_data);
}
#else
/* seed and current: wasi_thread_start(tid, start_args); the runtime set the
 * stack pointer from start->stack. */
__attribute__((export_name("wasi_thread_start"))) void wasi_thread_start(int32_t tid, struct thread_start *start) {
    run_slot(start->start_args);
}
#endif

/* spawn starts fn(arg) on a new thread; it returns the errno. */
static int32_t spawn(thread_fn fn, int arg, uint32_t *tid) {
    uint32_t i = __atomic_fetch_add(&next_slot, 1, __ATOMIC_SEQ_CST);
    if (i >= MAX_THREADS)
        return 6; /* EAGAIN */
    slots[i].fn = fn;
    slots[i].arg = arg;
    uint32_t top = (uint32_t)(uintptr_t)&stacks[i][STACK_SIZE];
#ifdef GEN_2022
    return rt_spawn_2022(i, top, (uint32_t)(uintptr_t)&stacks[i][0], 0, tid);
#else
    memset(&slots[i].start, 0, sizeof slots[i].start);
    slots[i].start.stack = top;
    slots[i].start.start_args = i;
    slots[i].start.stack_size = STACK_SIZE;
    return rt_spawn_struct(&slots[i].start, tid);
#endif
}

static int guest_main(int argc, char **argv);

#define RT_MAX_ARGS 16
#define RT_ARG_BYTES 1024

void _start(void) {
    static uint8_t *argv[RT_MAX_ARGS + 1];
    static uint8_t buf[RT_ARG_BYTES];
    uint32_t argc = 0, size = 0;
    if (rt_args_sizes_get(&argc, &size) != 0 || argc > RT_MAX_ARGS || size > RT_ARG_BYTES)
        rt_proc_exit(2);
    if (rt_args_get(argv, buf) != 0)
        rt_proc_exit(2);
    argv[argc] = 0;
    rt_proc_exit((uint32_t)guest_main((int)argc, (char **)argv));
}

#endif
