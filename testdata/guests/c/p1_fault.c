/*
 * p1_fault.c - bad pointers give EFAULT, bad fds give EBADF, and the program
 * keeps running after each.
 *
 * Usage: p1_fault.wasm [DIR]
 *   DIR (default /tmp) is a writable directory inside a preopen; the program
 *   makes DIR/p1fault-XXXXXXXX with a file and a symlink in it and removes
 *   it at the end.
 * Exit status: 0 when every check passed, 1 otherwise. A trap or a host
 * crash is a failure of the runtime, whatever was printed before.
 *
 * The calls go through raw imports declared here with every pointer as a
 * plain i32, because wasi-libc's wrappers take C strings (and would call
 * strlen on a bad pointer inside the guest).
 *
 * "Bad" pointers used:
 *   BAD        0xFFFFFFF0, far beyond any memory this program has;
 *   straddle   a range that starts inside memory and ends past its end;
 *   huge len   a valid pointer with a length that runs past the end.
 * A buffer is checked as a whole: a call given a range that straddles the
 * end must fail with EFAULT even if the data it would write fits in the
 * part that is inside memory.
 */
#include "p1util.h"

#define P1(name) __attribute__((import_module("wasi_snapshot_preview1"), import_name(#name)))

P1(args_get) int32_t raw_args_get(uint32_t argv, uint32_t buf);
P1(args_sizes_get) int32_t raw_args_sizes_get(uint32_t argc, uint32_t size);
P1(environ_get) int32_t raw_environ_get(uint32_t env, uint32_t buf);
P1(environ_sizes_get) int32_t raw_environ_sizes_get(uint32_t count, uint32_t size);
P1(clock_res_get) int32_t raw_clock_res_get(int32_t id, uint32_t out);
P1(clock_time_get) int32_t raw_clock_time_get(int32_t id, int64_t precision, uint32_t out);
P1(random_get) int32_t raw_random_get(uint32_t buf, uint32_t len);
P1(fd_read) int32_t raw_fd_read(int32_t fd, uint32_t iovs, uint32_t n, uint32_t out);
P1(fd_write) int32_t raw_fd_write(int32_t fd, uint32_t iovs, uint32_t n, uint32_t out);
P1(fd_pread) int32_t raw_fd_pread(int32_t fd, uint32_t iovs, uint32_t n, int64_t off, uint32_t out);
P1(fd_pwrite) int32_t raw_fd_pwrite(int32_t fd, uint32_t iovs, uint32_t n, int64_t off, uint32_t out);
P1(fd_seek) int32_t raw_fd_seek(int32_t fd, int64_t off, int32_t whence, uint32_t out);
P1(fd_tell) int32_t raw_fd_tell(int32_t fd, uint32_t out);
P1(fd_close) int32_t raw_fd_close(int32_t fd);
P1(fd_sync) int32_t raw_fd_sync(int32_t fd);
P1(fd_datasync) int32_t raw_fd_datasync(int32_t fd);
P1(fd_advise) int32_t raw_fd_advise(int32_t fd, int64_t off, int64_t len, int32_t advice);
P1(fd_allocate) int32_t raw_fd_allocate(int32_t fd, int64_t off, int64_t len);
P1(fd_renumber) int32_t raw_fd_renumber(int32_t from, int32_t to);
P1(fd_fdstat_get) int32_t raw_fd_fdstat_get(int32_t fd, uint32_t out);
P1(fd_fdstat_set_flags) int32_t raw_fd_fdstat_set_flags(int32_t fd, int32_t flags);
P1(fd_filestat_get) int32_t raw_fd_filestat_get(int32_t fd, uint32_t out);
P1(fd_filestat_set_size) int32_t raw_fd_filestat_set_size(int32_t fd, int64_t size);
P1(fd_prestat_get) int32_t raw_fd_prestat_get(int32_t fd, uint32_t out);
P1(fd_prestat_dir_name) int32_t raw_fd_prestat_dir_name(int32_t fd, uint32_t buf, uint32_t len);
P1(fd_readdir) int32_t raw_fd_readdir(int32_t fd, uint32_t buf, uint32_t len, int64_t cookie, uint32_t out);
P1(path_open)
int32_t raw_path_open(int32_t fd, int32_t dirflags, uint32_t path, uint32_t path_len, int32_t oflags, int64_t base,
                      int64_t inheriting, int32_t fdflags, uint32_t out);
P1(path_filestat_get)
int32_t raw_path_filestat_get(int32_t fd, int32_t flags, uint32_t path, uint32_t path_len, uint32_t out);
P1(path_create_directory) int32_t raw_path_create_directory(int32_t fd, uint32_t path, uint32_t path_len);
P1(path_unlink_file) int32_t raw_path_unlink_file(int32_t fd, uint32_t path, uint32_t path_len);
P1(path_readlink)
int32_t raw_path_readlink(int32_t fd, uint32_t path, uint32_t path_len, uint32_t buf, uint32_t buf_len,
                          uint32_t out);
P1(path_symlink)
int32_t raw_path_symlink(uint32_t old, uint32_t old_len, int32_t fd, uint32_t new_path, uint32_t new_len);
P1(path_rename)
int32_t raw_path_rename(int32_t fd, uint32_t old, uint32_t old_len, int32_t fd2, uint32_t new_path,
                        uint32_t new_len);
P1(poll_oneoff) int32_t raw_poll_oneoff(uint32_t in, uint32_t out, uint32_t n, uint32_t nevents);

#define BAD 0xFFFFFFF0u
#define P(x) ((uint32_t)(uintptr_t)(x))

static uint32_t mem_end(void) { return (uint32_t)(__builtin_wasm_memory_size(0) * 65536u); }

/* straddle(n): an n-byte range whose second half is past the end of memory */
static uint32_t straddle(uint32_t n) { return mem_end() - n / 2; }

static void efault(int32_t e, const char *what) { expect_errno((unsigned)e, __WASI_ERRNO_FAULT, what); }
static void ebadf(int32_t e, const char *what) { expect_errno((unsigned)e, __WASI_ERRNO_BADF, what); }

static uint64_t scratch[64]; /* a valid place for results */
static __wasi_fd_t dirfd, filefd;

static void test_environment_calls(void) {
    efault(raw_args_sizes_get(BAD, P(&scratch[0])), "args_sizes_get with a bad argc pointer gives EFAULT");
    efault(raw_args_sizes_get(P(&scratch[0]), straddle(4)), "args_sizes_get with a straddling size pointer gives EFAULT");
    efault(raw_args_get(BAD, BAD), "args_get with bad pointers gives EFAULT");
    efault(raw_args_get(P(&scratch[0]), straddle(4)), "args_get with a straddling buffer gives EFAULT");
    efault(raw_environ_sizes_get(BAD, P(&scratch[0])), "environ_sizes_get with a bad pointer gives EFAULT");
    efault(raw_environ_get(BAD, BAD), "environ_get with bad pointers gives EFAULT");
    efault(raw_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, BAD), "clock_time_get with a bad pointer gives EFAULT");
    efault(raw_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, straddle(8)),
           "clock_time_get with a straddling pointer gives EFAULT");
    efault(raw_clock_res_get(__WASI_CLOCKID_MONOTONIC, BAD), "clock_res_get with a bad pointer gives EFAULT");
    efault(raw_random_get(BAD, 16), "random_get into a bad buffer gives EFAULT");
    efault(raw_random_get(straddle(16), 16), "random_get into a straddling buffer gives EFAULT");
    efault(raw_random_get(P(scratch), 0xFFFFFFFFu), "random_get with a huge length gives EFAULT");
    expect_ok((unsigned)raw_random_get(mem_end(), 0), "random_get of 0 bytes at the very end of memory succeeds");
}

static void test_io_calls(void) {
    static char data[16] = "0123456789";
    __wasi_ciovec_t good = {(const uint8_t *)data, 4};
    __wasi_ciovec_t badbuf = {(const uint8_t *)(uintptr_t)BAD, 4};
    __wasi_ciovec_t strbuf = {(const uint8_t *)(uintptr_t)straddle(64), 64};
    uint32_t nout = P(&scratch[0]);

    efault(raw_fd_write(filefd, BAD, 1, nout), "fd_write with a bad iovec array gives EFAULT");
    efault(raw_fd_write(filefd, straddle(16), 2, nout), "fd_write with a straddling iovec array gives EFAULT");
    efault(raw_fd_write(filefd, P(&good), 0x10000000u, nout), "fd_write with a huge iovec count gives EFAULT");
    efault(raw_fd_write(filefd, P(&badbuf), 1, nout), "fd_write with an iovec pointing out of memory gives EFAULT");
    efault(raw_fd_write(filefd, P(&strbuf), 1, nout), "fd_write with an iovec straddling the end gives EFAULT");
    efault(raw_fd_write(filefd, P(&good), 1, BAD), "fd_write with a bad nwritten pointer gives EFAULT");

    (void)raw_fd_seek(filefd, 0, __WASI_WHENCE_SET, nout);
    static char rb[16];
    __wasi_iovec_t rgood = {(uint8_t *)rb, 4};
    __wasi_iovec_t rbad = {(uint8_t *)(uintptr_t)BAD, 4};
    __wasi_iovec_t rstr = {(uint8_t *)(uintptr_t)straddle(64), 64};
    efault(raw_fd_read(filefd, BAD, 1, nout), "fd_read with a bad iovec array gives EFAULT");
    efault(raw_fd_read(filefd, P(&rgood), 0x10000000u, nout), "fd_read with a huge iovec count gives EFAULT");
    efault(raw_fd_read(filefd, P(&rbad), 1, nout), "fd_read into an iovec pointing out of memory gives EFAULT");
    efault(raw_fd_read(filefd, P(&rstr), 1, nout), "fd_read into an iovec straddling the end gives EFAULT");
    (void)raw_fd_seek(filefd, 0, __WASI_WHENCE_SET, nout);
    efault(raw_fd_read(filefd, P(&rgood), 1, BAD), "fd_read with a bad nread pointer gives EFAULT");
    efault(raw_fd_pread(filefd, P(&rbad), 1, 0, nout), "fd_pread into a bad buffer gives EFAULT");
    efault(raw_fd_pread(filefd, BAD, 1, 0, nout), "fd_pread with a bad iovec array gives EFAULT");
    efault(raw_fd_pwrite(filefd, P(&badbuf), 1, 0, nout), "fd_pwrite from a bad buffer gives EFAULT");
    efault(raw_fd_pwrite(filefd, P(&good), 1, 0, BAD), "fd_pwrite with a bad nwritten pointer gives EFAULT");
    efault(raw_fd_seek(filefd, 0, __WASI_WHENCE_SET, BAD), "fd_seek with a bad result pointer gives EFAULT");
    efault(raw_fd_seek(filefd, 0, __WASI_WHENCE_SET, straddle(8)),
           "fd_seek with a straddling result pointer gives EFAULT");
    efault(raw_fd_tell(filefd, BAD), "fd_tell with a bad pointer gives EFAULT");
    efault(raw_fd_fdstat_get(filefd, BAD), "fd_fdstat_get with a bad pointer gives EFAULT");
    efault(raw_fd_fdstat_get(filefd, straddle(24)), "fd_fdstat_get with a straddling pointer gives EFAULT");
    efault(raw_fd_filestat_get(filefd, BAD), "fd_filestat_get with a bad pointer gives EFAULT");
    efault(raw_fd_filestat_get(filefd, straddle(64)), "fd_filestat_get with a straddling pointer gives EFAULT");

    /* the file still works, and holds what the good writes put there */
    uint64_t pos = 0;
    int32_t e = raw_fd_seek(filefd, 0, __WASI_WHENCE_CUR, P(&pos));
    expect(e == 0, "the file is still usable after the faults", "fd_seek errno %E", (unsigned)e);
}

static void test_dir_calls(void) {
    static const char fname[] = "file";
    uint32_t out = P(&scratch[0]);
    efault(raw_fd_prestat_get(3, BAD), "fd_prestat_get with a bad pointer gives EFAULT");
    __wasi_prestat_t ps;
    if (__wasi_fd_prestat_get(3, &ps) == 0 && ps.u.dir.pr_name_len > 0) {
        efault(raw_fd_prestat_dir_name(3, BAD, ps.u.dir.pr_name_len),
               "fd_prestat_dir_name into a bad buffer gives EFAULT");
        efault(raw_fd_prestat_dir_name(3, straddle(ps.u.dir.pr_name_len), ps.u.dir.pr_name_len),
               "fd_prestat_dir_name into a straddling buffer gives EFAULT");
    } else {
        fail("fd_prestat_dir_name faults", "fd 3 is not a preopened directory");
    }
    efault(raw_fd_readdir(dirfd, BAD, 256, 0, out), "fd_readdir into a bad buffer gives EFAULT");
    efault(raw_fd_readdir(dirfd, straddle(256), 256, 0, out), "fd_readdir into a straddling buffer gives EFAULT");
    efault(raw_fd_readdir(dirfd, P(&scratch[8]), 128, 0, BAD), "fd_readdir with a bad bufused pointer gives EFAULT");

    __wasi_rights_t inh = inheriting_of(dirfd);
    efault(raw_path_open(dirfd, 0, BAD, 4, 0, RIGHTS_FILE & inh, 0, 0, out),
           "path_open with a bad path pointer gives EFAULT");
    efault(raw_path_open(dirfd, 0, straddle(16), 16, 0, RIGHTS_FILE & inh, 0, 0, out),
           "path_open with a path straddling the end gives EFAULT");
    efault(raw_path_open(dirfd, 0, P(fname), 0x7FFFFFF0u, 0, RIGHTS_FILE & inh, 0, 0, out),
           "path_open with a huge path length gives EFAULT");
    efault(raw_path_open(dirfd, 0, P(fname), 4, 0, RIGHTS_FILE & inh, 0, 0, BAD),
           "path_open with a bad fd result pointer gives EFAULT");
    efault(raw_path_filestat_get(dirfd, 0, BAD, 4, out), "path_filestat_get with a bad path gives EFAULT");
    efault(raw_path_filestat_get(dirfd, 0, P(fname), 4, BAD), "path_filestat_get with a bad result gives EFAULT");
    efault(raw_path_create_directory(dirfd, BAD, 4), "path_create_directory with a bad path gives EFAULT");
    efault(raw_path_unlink_file(dirfd, BAD, 4), "path_unlink_file with a bad path gives EFAULT");
    efault(raw_path_symlink(BAD, 4, dirfd, P("newlink"), 7), "path_symlink with a bad target gives EFAULT");
    efault(raw_path_symlink(P(fname), 4, dirfd, BAD, 7), "path_symlink with a bad link name gives EFAULT");
    efault(raw_path_rename(dirfd, BAD, 4, dirfd, P("renamed"), 7), "path_rename with a bad old path gives EFAULT");
    efault(raw_path_readlink(dirfd, P("link"), 4, BAD, 16, out), "path_readlink into a bad buffer gives EFAULT");
    efault(raw_path_readlink(dirfd, P("link"), 4, P(&scratch[8]), 16, BAD),
           "path_readlink with a bad bufused pointer gives EFAULT");
    efault(raw_path_readlink(dirfd, BAD, 4, P(&scratch[8]), 16, out), "path_readlink with a bad path gives EFAULT");

    /* none of the faulting calls made anything */
    __wasi_filestat_t st;
    expect_errno(__wasi_path_filestat_get(dirfd, 0, "newlink", &st), __WASI_ERRNO_NOENT,
                 "the faulting path_symlink created nothing");
    expect_errno(__wasi_path_filestat_get(dirfd, 0, "renamed", &st), __WASI_ERRNO_NOENT,
                 "the faulting path_rename renamed nothing");
    expect_ok(__wasi_path_filestat_get(dirfd, 0, "file", &st), "the file is still there");
}

static void test_poll_faults(void) {
    __wasi_subscription_t sub;
    memset(&sub, 0, sizeof(sub));
    sub.userdata = 9;
    sub.u.tag = __WASI_EVENTTYPE_CLOCK;
    sub.u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
    sub.u.u.clock.timeout = 1;
    static __wasi_event_t ev[2];
    uint32_t n = P(&scratch[0]);
    efault(raw_poll_oneoff(BAD, P(ev), 1, n), "poll_oneoff with bad subscriptions gives EFAULT");
    efault(raw_poll_oneoff(straddle(48), P(ev), 1, n), "poll_oneoff with straddling subscriptions gives EFAULT");
    efault(raw_poll_oneoff(P(&sub), BAD, 1, n), "poll_oneoff with a bad event buffer gives EFAULT");
    efault(raw_poll_oneoff(P(&sub), P(ev), 1, BAD), "poll_oneoff with a bad nevents pointer gives EFAULT");
    efault(raw_poll_oneoff(P(&sub), P(ev), 0x01000000u, n), "poll_oneoff with a huge subscription count gives EFAULT");
}

static void test_bad_fds(void) {
    static const int32_t fds[2] = {1234, -1};
    static const char *const names[2] = {"fd 1234", "fd -1"};
    for (int i = 0; i < 2; i++) {
        int32_t fd = fds[i];
        char what[128];
        static char data[8] = "x";
        __wasi_ciovec_t iov = {(const uint8_t *)data, 1};
        uint32_t out = P(&scratch[0]);
#define BADF_CHECK(call, name)                                                  \
    do {                                                                        \
        strcpy(what, name " on ");                                              \
        strcat(what, names[i]);                                                 \
        strcat(what, " gives EBADF");                                           \
        ebadf(call, what);                                                      \
    } while (0)
        BADF_CHECK(raw_fd_read(fd, P(&iov), 1, out), "fd_read");
        BADF_CHECK(raw_fd_write(fd, P(&iov), 1, out), "fd_write");
        BADF_CHECK(raw_fd_pread(fd, P(&iov), 1, 0, out), "fd_pread");
        BADF_CHECK(raw_fd_pwrite(fd, P(&iov), 1, 0, out), "fd_pwrite");
        BADF_CHECK(raw_fd_close(fd), "fd_close");
        BADF_CHECK(raw_fd_seek(fd, 0, __WASI_WHENCE_SET, out), "fd_seek");
        BADF_CHECK(raw_fd_tell(fd, out), "fd_tell");
        BADF_CHECK(raw_fd_sync(fd), "fd_sync");
        BADF_CHECK(raw_fd_datasync(fd), "fd_datasync");
        BADF_CHECK(raw_fd_advise(fd, 0, 1, 0), "fd_advise");
        BADF_CHECK(raw_fd_allocate(fd, 0, 1), "fd_allocate");
        BADF_CHECK(raw_fd_fdstat_get(fd, out), "fd_fdstat_get");
        BADF_CHECK(raw_fd_fdstat_set_flags(fd, 0), "fd_fdstat_set_flags");
        BADF_CHECK(raw_fd_filestat_get(fd, out), "fd_filestat_get");
        BADF_CHECK(raw_fd_filestat_set_size(fd, 0), "fd_filestat_set_size");
        BADF_CHECK(raw_fd_prestat_get(fd, out), "fd_prestat_get");
        BADF_CHECK(raw_fd_readdir(fd, P(&scratch[8]), 64, 0, out), "fd_readdir");
        BADF_CHECK(raw_fd_renumber(fd, filefd), "fd_renumber from it");
        BADF_CHECK(raw_path_open(fd, 0, P("file"), 4, 0, RIGHTS_FILE, 0, 0, out), "path_open relative to it");
        BADF_CHECK(raw_path_filestat_get(fd, 0, P("file"), 4, out), "path_filestat_get relative to it");
        BADF_CHECK(raw_path_create_directory(fd, P("dir"), 3), "path_create_directory relative to it");
        BADF_CHECK(raw_path_unlink_file(fd, P("file"), 4), "path_unlink_file relative to it");
#undef BADF_CHECK
    }
    __wasi_fdstat_t fs;
    expect_ok(__wasi_fd_fdstat_get(filefd, &fs), "fd_renumber from a bad fd left the target open");

    /* A regular file is no directory to open things from. A runtime that
     * enforces rights may say so first: a file fd has no path_open right. */
    uint32_t out = P(&scratch[0]);
    int32_t e = raw_path_open(filefd, 0, P("x"), 1, 0, RIGHTS_FILE, 0, 0, out);
    expect_errno2((unsigned)e, __WASI_ERRNO_NOTDIR, __WASI_ERRNO_NOTCAPABLE,
                  "path_open relative to a regular file gives ENOTDIR");

    /* poll_oneoff on a bad fd: either the call fails with EBADF or the
     * subscription's event carries EBADF; it must not wait for the clock. */
    __wasi_subscription_t sub[2];
    memset(sub, 0, sizeof(sub));
    sub[0].userdata = 1;
    sub[0].u.tag = __WASI_EVENTTYPE_FD_READ;
    sub[0].u.u.fd_read.file_descriptor = 1234;
    sub[1].userdata = 2;
    sub[1].u.tag = __WASI_EVENTTYPE_CLOCK;
    sub[1].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
    sub[1].u.u.clock.timeout = 2000000000ull;
    __wasi_event_t ev[2];
    memset(ev, 0, sizeof(ev));
    __wasi_size_t n = 0;
    __wasi_timestamp_t t0 = 0, t1 = 0;
    (void)__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t0);
    e = (int32_t)__wasi_poll_oneoff(sub, ev, 2, &n);
    (void)__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t1);
    int event_badf = e == 0 && n >= 1 && ev[0].userdata == 1 && ev[0].error == __WASI_ERRNO_BADF;
    if (e == 0 && n >= 2 && ev[1].userdata == 1 && ev[1].error == __WASI_ERRNO_BADF)
        event_badf = 1;
    expect((e == __WASI_ERRNO_BADF || event_badf) && t1 - t0 < 1000000000ull,
           "poll_oneoff fd_read on fd 1234 reports EBADF at once", "errno %E n %u event error %E took %U ns",
           (unsigned)e, n, ev[0].error, t1 - t0);
    note("poll_oneoff on a bad fd: %s", e == __WASI_ERRNO_BADF ? "call failed with EBADF" : "EBADF in the event");
}

int main(int argc, char **argv) {
    const char *base = argc > 1 ? argv[1] : "/tmp";
    note("memory ends at %x", mem_end());
    test_environment_calls();

    __wasi_fd_t basefd;
    if (!expect_ok(open_dir(base, &basefd), "open the base directory"))
        return check_done();
    char name[32] = "p1fault-";
    random_hex(name + 8);
    expect_ok(__wasi_path_create_directory(basefd, name), "make the work directory");
    if (!expect_ok(open_subdir(basefd, name, &dirfd), "open the work directory"))
        return check_done();
    (void)put_file(dirfd, "file", "contents");
    (void)__wasi_path_symlink("file", dirfd, "link");
    if (!expect_ok(open_file(dirfd, "file", 0, 0, &filefd), "open the work file"))
        return check_done();

    test_io_calls();
    test_dir_calls();
    test_poll_faults();
    test_bad_fds();

    (void)__wasi_fd_close(filefd);
    (void)__wasi_fd_close(dirfd);
    remove_tree(basefd, name, 0);
    pass("the program is still running after every fault");
    return check_done();
}
