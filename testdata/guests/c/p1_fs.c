/*
 * p1_fs.c - every preview1 filesystem call, through the raw __wasi_* calls.
 *
 * Usage: p1_fs.wasm [DIR]
 *   DIR (default /tmp) must be a writable directory inside a preopen. The
 *   program creates DIR/p1fs-XXXXXXXX, works only in there and removes it.
 * Exit status: 0 when every check passed, 1 otherwise.
 */
#include "p1util.h"

static __wasi_fd_t wd; /* the fresh work directory */

/* ---------------------------------------------------------------- helpers */

static __wasi_filestat_t stat_fd(__wasi_fd_t fd, __wasi_errno_t *e) {
    __wasi_filestat_t st;
    memset(&st, 0, sizeof(st));
    *e = __wasi_fd_filestat_get(fd, &st);
    return st;
}

static __wasi_filestat_t stat_path(const char *p, int follow, __wasi_errno_t *e) {
    __wasi_filestat_t st;
    memset(&st, 0, sizeof(st));
    *e = __wasi_path_filestat_get(wd, follow ? __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW : 0, p, &st);
    return st;
}

static __wasi_filesize_t seek(__wasi_fd_t fd, int64_t off, int whence, __wasi_errno_t *e) {
    __wasi_filesize_t pos = 0xdeadbeef;
    *e = __wasi_fd_seek(fd, off, (__wasi_whence_t)whence, &pos);
    return pos;
}

static __wasi_filesize_t tell(__wasi_fd_t fd) {
    __wasi_filesize_t pos = 0xdeadbeef;
    if (__wasi_fd_tell(fd, &pos) != 0)
        return 0xdeadbeef;
    return pos;
}

/* pread_str reads n bytes at off into buf (NUL-terminated); returns count. */
static unsigned pread_str(__wasi_fd_t fd, char *buf, unsigned n, uint64_t off) {
    __wasi_iovec_t iov = {(uint8_t *)buf, n};
    __wasi_size_t got = 0;
    if (__wasi_fd_pread(fd, &iov, 1, off, &got) != 0)
        got = 0;
    buf[got] = 0;
    return got;
}

static int file_is(const char *name, const char *want) {
    char buf[256];
    if (get_file(wd, name, buf, sizeof(buf)) != 0)
        return 0;
    return strcmp(buf, want) == 0;
}

static int exists(const char *name) {
    __wasi_errno_t e;
    stat_path(name, 0, &e);
    return e == 0;
}

/* ------------------------------------------- open, read, write, seek */

static void test_open_read_write(void) {
    __wasi_errno_t e;
    __wasi_fd_t fd = 0, fd2 = 0;

    e = open_file(wd, "f1", __WASI_OFLAGS_CREAT, 0, &fd);
    expect_ok(e, "path_open creat creates a file");
    __wasi_filestat_t st = stat_fd(fd, &e);
    expect(e == 0 && st.filetype == __WASI_FILETYPE_REGULAR_FILE && st.size == 0,
           "a new file is an empty regular file", "errno %E filetype %u size %U", e, st.filetype, st.size);

    e = open_file(wd, "f1", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, 0, &fd2);
    expect_errno(e, __WASI_ERRNO_EXIST, "path_open creat|excl on an existing file gives EEXIST");
    e = open_file(wd, "missing", 0, 0, &fd2);
    expect_errno(e, __WASI_ERRNO_NOENT, "path_open of a missing file without creat gives ENOENT");

    __wasi_ciovec_t w[3] = {{(const uint8_t *)"hel", 3}, {(const uint8_t *)"lo ", 3}, {(const uint8_t *)"world", 5}};
    __wasi_size_t n = 0;
    e = __wasi_fd_write(fd, w, 3, &n);
    expect(e == 0 && n == 11, "fd_write gathers three iovecs", "errno %E n %u", e, n);
    expect_u64(tell(fd), 11, "fd_tell after a write is the end of the data");

    __wasi_filesize_t pos = seek(fd, 0, __WASI_WHENCE_SET, &e);
    expect(e == 0 && pos == 0, "fd_seek set 0 rewinds", "errno %E pos %U", e, pos);
    char b1[8] = {0}, b2[32] = {0};
    __wasi_iovec_t r[3] = {{(uint8_t *)b1, 4}, {(uint8_t *)b2, 0}, {(uint8_t *)b2, 20}};
    e = __wasi_fd_read(fd, r, 3, &n);
    expect(e == 0 && n == 11 && memcmp(b1, "hell", 4) == 0 && memcmp(b2, "o world", 7) == 0,
           "fd_read scatters into iovecs (one of them empty)", "errno %E n %u b1 '%s' b2 '%s'", e, n, b1, b2);
    e = __wasi_fd_read(fd, r, 3, &n);
    expect(e == 0 && n == 0, "fd_read at end of file returns 0 bytes", "errno %E n %u", e, n);

    /* every whence */
    pos = seek(fd, 3, __WASI_WHENCE_SET, &e);
    expect(e == 0 && pos == 3, "fd_seek whence set", "errno %E pos %U", e, pos);
    pos = seek(fd, 2, __WASI_WHENCE_CUR, &e);
    expect(e == 0 && pos == 5, "fd_seek whence cur forward", "errno %E pos %U", e, pos);
    pos = seek(fd, -5, __WASI_WHENCE_CUR, &e);
    expect(e == 0 && pos == 0, "fd_seek whence cur backward", "errno %E pos %U", e, pos);
    pos = seek(fd, -5, __WASI_WHENCE_END, &e);
    expect(e == 0 && pos == 6, "fd_seek whence end negative", "errno %E pos %U", e, pos);
    pos = seek(fd, 0, __WASI_WHENCE_END, &e);
    expect(e == 0 && pos == 11, "fd_seek whence end 0 gives the size", "errno %E pos %U", e, pos);
    pos = seek(fd, 100, __WASI_WHENCE_SET, &e);
    expect(e == 0 && pos == 100, "fd_seek past the end is allowed", "errno %E pos %U", e, pos);
    e = __wasi_fd_read(fd, r, 3, &n);
    expect(e == 0 && n == 0, "fd_read past the end returns 0 bytes", "errno %E n %u", e, n);
    seek(fd, 4, __WASI_WHENCE_SET, &e);
    seek(fd, -1, __WASI_WHENCE_SET, &e);
    expect_errno(e, __WASI_ERRNO_INVAL, "fd_seek to a negative offset (set) gives EINVAL");
    seek(fd, -5, __WASI_WHENCE_CUR, &e);
    expect_errno(e, __WASI_ERRNO_INVAL, "fd_seek to a negative offset (cur) gives EINVAL");
    seek(fd, -12, __WASI_WHENCE_END, &e);
    expect_errno(e, __WASI_ERRNO_INVAL, "fd_seek to a negative offset (end) gives EINVAL");
    seek(fd, 0, 3, &e);
    expect_errno(e, __WASI_ERRNO_INVAL, "fd_seek with an unknown whence gives EINVAL");
    expect_u64(tell(fd), 4, "failed fd_seek calls leave the offset alone");

    /* pread / pwrite */
    seek(fd, 2, __WASI_WHENCE_SET, &e);
    char p1[8] = {0}, p2[16] = {0};
    __wasi_iovec_t pr[2] = {{(uint8_t *)p1, 2}, {(uint8_t *)p2, 10}};
    e = __wasi_fd_pread(fd, pr, 2, 6, &n);
    expect(e == 0 && n == 5 && memcmp(p1, "wo", 2) == 0 && memcmp(p2, "rld", 3) == 0,
           "fd_pread scatters from an offset", "errno %E n %u '%s' '%s'", e, n, p1, p2);
    expect_u64(tell(fd), 2, "fd_pread leaves the offset alone");
    __wasi_ciovec_t pw[2] = {{(const uint8_t *)"H", 1}, {(const uint8_t *)"E", 1}};
    e = __wasi_fd_pwrite(fd, pw, 2, 0, &n);
    expect(e == 0 && n == 2, "fd_pwrite gathers at an offset", "errno %E n %u", e, n);
    expect_u64(tell(fd), 2, "fd_pwrite leaves the offset alone");
    char all[64];
    pread_str(fd, all, 63, 0);
    expect(strcmp(all, "HEllo world") == 0, "fd_pwrite data lands at its offset", "content '%s'", all);
    e = __wasi_fd_pwrite(fd, pw, 1, 20, &n);
    st = stat_fd(fd, &e);
    expect(st.size == 21, "fd_pwrite past the end extends the file", "size %U", st.size);
    n = pread_str(fd, all, 9, 11);
    int zeros = n == 9;
    for (unsigned i = 0; i < n; i++)
        zeros = zeros && all[i] == 0;
    expect(zeros, "the gap left by fd_pwrite past the end reads as zeros", "read %u bytes", n);
    n = pread_str(fd, all, 8, 1000);
    expect(n == 0, "fd_pread past the end returns 0 bytes", "read %u", n);
    (void)__wasi_fd_filestat_set_size(fd, 11);
    expect_ok(__wasi_fd_close(fd), "fd_close of a file");

    /* trunc */
    e = open_file(wd, "f1", __WASI_OFLAGS_TRUNC, 0, &fd);
    st = stat_fd(fd, &e);
    expect(e == 0 && st.size == 0, "path_open trunc empties the file", "errno %E size %U", e, st.size);
    (void)write_str(fd, "HEllo world");
    (void)__wasi_fd_close(fd);

    /* append */
    e = open_file(wd, "f2", __WASI_OFLAGS_CREAT, __WASI_FDFLAGS_APPEND, &fd);
    expect_ok(e, "path_open creat with fdflags append");
    __wasi_fdstat_t fs;
    e = __wasi_fd_fdstat_get(fd, &fs);
    expect(e == 0 && (fs.fs_flags & __WASI_FDFLAGS_APPEND), "fd_fdstat_get shows the append flag",
           "errno %E flags %x", e, fs.fs_flags);
    (void)write_str(fd, "ab");
    seek(fd, 0, __WASI_WHENCE_SET, &e);
    e = write_str(fd, "cd");
    pread_str(fd, all, 63, 0);
    expect(e == 0 && strcmp(all, "abcd") == 0, "append writes go to the end whatever the offset",
           "errno %E content '%s'", e, all);
    expect_u64(tell(fd), 4, "the offset after an append write is the end");
    (void)__wasi_fd_close(fd);

    /* directory flag */
    e = open_file(wd, "f1", __WASI_OFLAGS_DIRECTORY, 0, &fd2);
    expect_errno(e, __WASI_ERRNO_NOTDIR, "path_open directory on a file gives ENOTDIR");
    expect_ok(__wasi_path_create_directory(wd, "d"), "path_create_directory");
    e = open_subdir(wd, "d", &fd);
    expect_ok(e, "path_open directory on a directory");
    st = stat_fd(fd, &e);
    expect(e == 0 && st.filetype == __WASI_FILETYPE_DIRECTORY, "fd_filestat_get of a directory says directory",
           "errno %E filetype %u", e, st.filetype);
    e = __wasi_fd_fdstat_get(fd, &fs);
    expect(e == 0 && fs.fs_filetype == __WASI_FILETYPE_DIRECTORY, "fd_fdstat_get of a directory says directory",
           "errno %E filetype %u", e, fs.fs_filetype);
    e = __wasi_fd_read(fd, r, 1, &n);
    expect_fail(e, "fd_read on a directory fails");
    note("fd_read on a directory: errno %E", e);
    e = write_str(fd, "x");
    expect_fail(e, "fd_write on a directory fails");
    note("fd_write on a directory: errno %E", e);
    (void)__wasi_fd_close(fd);
    e = open_at(wd, 0, "d", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL | __WASI_OFLAGS_DIRECTORY, RIGHTS_DIR, 0,
                &fd2);
    /* Linux's open() refuses O_CREAT|O_DIRECTORY with EINVAL before it looks
     * at the name; EEXIST is what the name alone would give. Either is fine,
     * success is not. */
    expect_errno2(e, __WASI_ERRNO_EXIST, __WASI_ERRNO_INVAL,
                  "path_open creat|excl|directory on an existing directory fails");
    e = open_file(wd, "f1/x", 0, 0, &fd2);
    expect_errno(e, __WASI_ERRNO_NOTDIR, "path_open through a file used as a directory gives ENOTDIR");
}

/* ------------------------------------------------------------- readdir */

#define MAXENT 64

struct listing {
    int count;
    char names[MAXENT][40];
    uint64_t next[MAXENT];
    uint8_t type[MAXENT];
};

/* list_dir reads the whole directory with a buffer of bufsize bytes,
 * resuming from the cookie of the last complete entry of each call.
 * Returns the number of calls made, or -1 on a protocol problem. */
static int list_dir(__wasi_fd_t dir, unsigned bufsize, struct listing *out, const char **why) {
    static uint8_t buf[16384];
    uint64_t cookie = 0;
    int calls = 0;
    out->count = 0;
    *why = "";
    for (;;) {
        if (++calls > 400) {
            *why = "too many calls";
            return -1;
        }
        __wasi_size_t used = 0;
        if (__wasi_fd_readdir(dir, buf, bufsize, cookie, &used) != 0) {
            *why = "fd_readdir failed";
            return -1;
        }
        if (used > bufsize) {
            *why = "bufused larger than the buffer";
            return -1;
        }
        unsigned off = 0;
        int got = 0;
        while (off + sizeof(__wasi_dirent_t) <= used) {
            __wasi_dirent_t d;
            memcpy(&d, buf + off, sizeof(d));
            if (off + sizeof(d) + d.d_namlen > used)
                break; /* truncated last entry: resume from the previous cookie */
            if (out->count >= MAXENT || d.d_namlen >= sizeof(out->names[0])) {
                *why = "too many or too long entries";
                return -1;
            }
            memcpy(out->names[out->count], buf + off + sizeof(d), d.d_namlen);
            out->names[out->count][d.d_namlen] = 0;
            out->next[out->count] = d.d_next;
            out->type[out->count] = d.d_type;
            out->count++;
            got++;
            cookie = d.d_next;
            off += sizeof(d) + d.d_namlen;
        }
        if (used < bufsize)
            return calls; /* a short buffer means the end */
        if (got == 0) {
            *why = "a full buffer without one complete entry";
            return -1;
        }
    }
}

static int find_name(const struct listing *l, const char *name) {
    int at = -1;
    for (int i = 0; i < l->count; i++) {
        if (strcmp(l->names[i], name) == 0) {
            if (at >= 0)
                return -2; /* twice */
            at = i;
        }
    }
    return at;
}

static void entry_name(char *out, int i) {
    /* entry-NN followed by 0..6 'x', so lengths vary */
    memcpy(out, "entry-", 6);
    out[6] = (char)('0' + i / 10);
    out[7] = (char)('0' + i % 10);
    int x = i % 7;
    for (int k = 0; k < x; k++)
        out[8 + k] = 'x';
    out[8 + x] = 0;
}

static void test_readdir(void) {
    __wasi_errno_t e;
    __wasi_fd_t md;
    expect_ok(__wasi_path_create_directory(wd, "many"), "path_create_directory for the readdir test");
    e = open_subdir(wd, "many", &md);
    if (!expect_ok(e, "path_open the readdir test directory"))
        return;
    int made = 0;
    for (int i = 0; i < 50; i++) {
        char name[32];
        entry_name(name, i);
        if (put_file(md, name, "") == 0)
            made++;
    }
    expect(made == 50, "create 50 files", "made %d", made);

    static struct listing big, small;
    const char *why;
    int calls = list_dir(md, 16384, &big, &why);
    expect(calls > 0 && big.count == 52, "fd_readdir with a large buffer lists 50 entries plus . and ..",
           "calls %d count %d %s", calls, big.count, why);
    int dot = find_name(&big, "."), dotdot = find_name(&big, "..");
    expect(dot >= 0 && dotdot >= 0, "fd_readdir lists . and .. once each", "index of . %d, of .. %d", dot, dotdot);
    if (dot >= 0)
        expect(big.type[dot] == __WASI_FILETYPE_DIRECTORY, "the . entry has type directory", "type %u", big.type[dot]);
    int missing = 0, badtype = 0;
    for (int i = 0; i < 50; i++) {
        char name[32];
        entry_name(name, i);
        int at = find_name(&big, name);
        if (at < 0)
            missing++;
        else if (big.type[at] != __WASI_FILETYPE_REGULAR_FILE)
            badtype++;
    }
    expect(missing == 0, "fd_readdir lists every file exactly once", "%d missing or doubled", missing);
    expect(badtype == 0, "fd_readdir gives files the regular-file type", "%d with another type", badtype);

    calls = list_dir(md, 64, &small, &why);
    int same = calls > 0 && small.count == big.count;
    for (int i = 0; same && i < big.count; i++)
        same = find_name(&small, big.names[i]) >= 0;
    expect(same, "fd_readdir with a 64-byte buffer, resumed from cookies, sees every entry once",
           "calls %d count %d (want %d) %s", calls, small.count, big.count, why);
    expect(calls > 10, "a 64-byte buffer needs many fd_readdir calls", "calls %d", calls);

    /* The buffer is filled completely, the last entry truncated. */
    static uint8_t buf[256];
    __wasi_size_t used = 0;
    memset(buf, 0xAA, sizeof(buf));
    e = __wasi_fd_readdir(md, buf, sizeof(__wasi_dirent_t) + 3, 0, &used);
    expect(e == 0 && used == sizeof(__wasi_dirent_t) + 3,
           "fd_readdir fills a small buffer completely, truncating the last entry",
           "errno %E bufused %u (buffer %u)", e, used, (unsigned)sizeof(__wasi_dirent_t) + 3);
    if (big.count > 0) {
        __wasi_dirent_t d;
        memcpy(&d, buf, sizeof(d));
        expect(d.d_next == big.next[0] && d.d_namlen == strlen(big.names[0]),
               "the truncated read starts with the same first entry",
               "d_next %U namlen %u, want %U %u", d.d_next, d.d_namlen, big.next[0],
               (unsigned)strlen(big.names[0]));
    }
    memset(buf, 0xAA, sizeof(buf));
    e = __wasi_fd_readdir(md, buf, 10, 0, &used);
    expect(e == 0 && used == 10, "fd_readdir with a buffer smaller than one header fills it",
           "errno %E bufused %u", e, used);
    expect(buf[10] == 0xAA, "fd_readdir writes nothing past the buffer", "byte after the buffer %x", buf[10]);

    if (big.count > 12) {
        e = __wasi_fd_readdir(md, buf, sizeof(buf), big.next[10], &used);
        int ok = e == 0 && used >= sizeof(__wasi_dirent_t);
        char first[64] = {0};
        if (ok) {
            __wasi_dirent_t d;
            memcpy(&d, buf, sizeof(d));
            if (d.d_namlen < sizeof(first) && sizeof(d) + d.d_namlen <= used)
                memcpy(first, buf + sizeof(d), d.d_namlen);
        }
        expect(ok && strcmp(first, big.names[11]) == 0, "resuming from an entry's d_next gives the entry after it",
               "errno %E first '%s', want '%s'", e, first, big.names[11]);
        e = __wasi_fd_readdir(md, buf, sizeof(buf), big.next[big.count - 1], &used);
        expect(e == 0 && used == 0, "fd_readdir from the last entry's d_next returns nothing",
               "errno %E bufused %u", e, used);
    }
    __wasi_fd_t f;
    if (open_file(wd, "f1", 0, 0, &f) == 0) {
        e = __wasi_fd_readdir(f, buf, sizeof(buf), 0, &used);
        expect_fail(e, "fd_readdir on a regular file fails");
        note("fd_readdir on a regular file: errno %E", e);
        (void)__wasi_fd_close(f);
    }
    (void)__wasi_fd_close(md);
}

/* ------------------------------------------------------------ filestat */

#define SEC 1000000000ull

static void test_filestat(void) {
    __wasi_errno_t e, e2;
    __wasi_fd_t fd;
    if (!expect_ok(open_file(wd, "f1", 0, 0, &fd), "path_open f1 for filestat"))
        return;
    __wasi_filestat_t a = stat_fd(fd, &e), b = stat_path("f1", 1, &e2);
    expect(e == 0 && e2 == 0 && a.ino == b.ino && a.dev == b.dev && a.size == 11 && b.size == 11 &&
               a.nlink >= 1 && a.filetype == __WASI_FILETYPE_REGULAR_FILE,
           "fd_filestat_get and path_filestat_get agree", "errno %E/%E ino %U/%U size %U/%U nlink %U", e, e2,
           a.ino, b.ino, a.size, b.size, a.nlink);

    e = __wasi_fd_filestat_set_size(fd, 100);
    a = stat_fd(fd, &e2);
    expect(e == 0 && a.size == 100, "fd_filestat_set_size grows the file", "errno %E size %U", e, a.size);
    char buf[128];
    unsigned n = pread_str(fd, buf, 100, 0);
    int zeros = n == 100 && memcmp(buf, "HEllo world", 11) == 0;
    for (unsigned i = 11; i < n; i++)
        zeros = zeros && buf[i] == 0;
    expect(zeros, "the grown part reads as zeros", "read %u bytes", n);
    e = __wasi_fd_filestat_set_size(fd, 5);
    a = stat_fd(fd, &e2);
    pread_str(fd, buf, 100, 0);
    expect(e == 0 && a.size == 5 && strcmp(buf, "HEllo") == 0, "fd_filestat_set_size shrinks the file",
           "errno %E size %U content '%s'", e, a.size, buf);

    const uint64_t t1 = 1600000000ull * SEC, t2 = 1600000100ull * SEC;
    e = __wasi_fd_filestat_set_times(fd, t1, t2, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM);
    a = stat_fd(fd, &e2);
    expect(e == 0 && a.atim == t1 && a.mtim == t2, "fd_filestat_set_times sets atim and mtim",
           "errno %E atim %U mtim %U", e, a.atim, a.mtim);
    e = __wasi_fd_filestat_set_times(fd, 0, 0, __WASI_FSTFLAGS_MTIM_NOW);
    a = stat_fd(fd, &e2);
    __wasi_timestamp_t now = 0;
    (void)__wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 1, &now);
    int64_t diff = (int64_t)(now - a.mtim);
    expect(e == 0 && diff > -5 * (int64_t)SEC && diff < 5 * (int64_t)SEC && a.atim == t1,
           "fd_filestat_set_times mtim_now sets mtim to now and keeps atim", "errno %E mtim %U now %U atim %U", e,
           a.mtim, now, a.atim);
    e = __wasi_fd_filestat_set_times(fd, t1, 0, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW);
    expect_errno(e, __WASI_ERRNO_INVAL, "fd_filestat_set_times with atim and atim_now gives EINVAL");
    e = __wasi_fd_filestat_set_times(fd, 0, t1, __WASI_FSTFLAGS_MTIM | __WASI_FSTFLAGS_MTIM_NOW);
    expect_errno(e, __WASI_ERRNO_INVAL, "fd_filestat_set_times with mtim and mtim_now gives EINVAL");
    (void)__wasi_fd_close(fd);

    const uint64_t t3 = 1500000000ull * SEC, t4 = 1500000200ull * SEC;
    e = __wasi_path_filestat_set_times(wd, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "f1", t3, t4,
                                       __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM);
    b = stat_path("f1", 1, &e2);
    expect(e == 0 && b.atim == t3 && b.mtim == t4, "path_filestat_set_times sets atim and mtim",
           "errno %E atim %U mtim %U", e, b.atim, b.mtim);

    /* symlinks: follow or not */
    expect_ok(__wasi_path_symlink("f1", wd, "f1-link"), "path_symlink to a file");
    b = stat_path("f1-link", 0, &e);
    expect(e == 0 && b.filetype == __WASI_FILETYPE_SYMBOLIC_LINK,
           "path_filestat_get without symlink_follow sees the link", "errno %E filetype %u", e, b.filetype);
    b = stat_path("f1-link", 1, &e);
    expect(e == 0 && b.filetype == __WASI_FILETYPE_REGULAR_FILE && b.ino == a.ino,
           "path_filestat_get with symlink_follow sees the target", "errno %E filetype %u ino %U want %U", e,
           b.filetype, b.ino, a.ino);

    const uint64_t t5 = 1400000000ull * SEC, t6 = 1450000000ull * SEC;
    e = __wasi_path_filestat_set_times(wd, 0, "f1-link", t5, t5, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM);
    b = stat_path("f1-link", 0, &e2);
    a = stat_path("f1", 0, &e2);
    expect(e == 0 && b.mtim == t5 && a.mtim == t4,
           "path_filestat_set_times without symlink_follow changes the link, not the target",
           "errno %E link mtim %U target mtim %U", e, b.mtim, a.mtim);
    e = __wasi_path_filestat_set_times(wd, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "f1-link", t6, t6,
                                       __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM);
    a = stat_path("f1", 0, &e2);
    expect(e == 0 && a.mtim == t6, "path_filestat_set_times with symlink_follow changes the target",
           "errno %E target mtim %U", e, a.mtim);
    stat_path("missing", 1, &e);
    expect_errno(e, __WASI_ERRNO_NOENT, "path_filestat_get of a missing name gives ENOENT");
}

/* ------------------------------------------- directories, unlink, rename */

static void test_dirs(void) {
    __wasi_errno_t e;
    expect_ok(__wasi_path_create_directory(wd, "d1"), "path_create_directory d1");
    expect_errno(__wasi_path_create_directory(wd, "d1"), __WASI_ERRNO_EXIST,
                 "path_create_directory on an existing name gives EEXIST");
    expect_errno(__wasi_path_create_directory(wd, "nope/sub"), __WASI_ERRNO_NOENT,
                 "path_create_directory under a missing parent gives ENOENT");
    (void)put_file(wd, "d1/inner", "x");
    expect_errno(__wasi_path_remove_directory(wd, "d1"), __WASI_ERRNO_NOTEMPTY,
                 "path_remove_directory of a non-empty directory gives ENOTEMPTY");
    expect_errno(__wasi_path_unlink_file(wd, "d1"), __WASI_ERRNO_ISDIR,
                 "path_unlink_file of a directory gives EISDIR");
    expect_errno(__wasi_path_remove_directory(wd, "f2"), __WASI_ERRNO_NOTDIR,
                 "path_remove_directory of a file gives ENOTDIR");
    expect_errno(__wasi_path_unlink_file(wd, "missing"), __WASI_ERRNO_NOENT,
                 "path_unlink_file of a missing name gives ENOENT");
    expect_errno(__wasi_path_remove_directory(wd, "missing"), __WASI_ERRNO_NOENT,
                 "path_remove_directory of a missing name gives ENOENT");
    expect_ok(__wasi_path_unlink_file(wd, "d1/inner"), "path_unlink_file of a file");
    expect_ok(__wasi_path_remove_directory(wd, "d1"), "path_remove_directory of an empty directory");
    expect(!exists("d1"), "the removed directory is gone", "still there");

    /* rename file over file */
    (void)put_file(wd, "ra", "A");
    (void)put_file(wd, "rb", "B");
    e = __wasi_path_rename(wd, "ra", wd, "rb");
    expect(e == 0 && !exists("ra") && file_is("rb", "A"), "path_rename of a file over a file replaces it",
           "errno %E", e);
    /* dir over empty dir */
    (void)__wasi_path_create_directory(wd, "da");
    (void)put_file(wd, "da/x", "X");
    (void)__wasi_path_create_directory(wd, "db");
    e = __wasi_path_rename(wd, "da", wd, "db");
    expect(e == 0 && !exists("da") && file_is("db/x", "X"),
           "path_rename of a directory over an empty directory replaces it", "errno %E", e);
    (void)__wasi_path_create_directory(wd, "dc");
    (void)put_file(wd, "dc/y", "Y");
    e = __wasi_path_rename(wd, "db", wd, "dc");
    /* POSIX allows either errno here. */
    expect_errno2(e, __WASI_ERRNO_NOTEMPTY, __WASI_ERRNO_EXIST,
                  "path_rename of a directory over a non-empty directory fails");
    e = __wasi_path_rename(wd, "rb", wd, "dc");
    expect_errno(e, __WASI_ERRNO_ISDIR, "path_rename of a file over a directory gives EISDIR");
    e = __wasi_path_rename(wd, "dc", wd, "rb");
    expect_errno(e, __WASI_ERRNO_NOTDIR, "path_rename of a directory over a file gives ENOTDIR");
    e = __wasi_path_rename(wd, "dc", wd, "dc/sub");
    expect_errno(e, __WASI_ERRNO_INVAL, "path_rename of a directory into itself gives EINVAL");
    e = __wasi_path_rename(wd, "missing", wd, "other");
    expect_errno(e, __WASI_ERRNO_NOENT, "path_rename of a missing name gives ENOENT");
}

/* --------------------------------------------------- link and symlink */

static void test_links(void) {
    __wasi_errno_t e, e2;
    e = __wasi_path_link(wd, 0, "rb", wd, "rb-hard");
    __wasi_filestat_t a = stat_path("rb", 0, &e2), b = stat_path("rb-hard", 0, &e2);
    expect(e == 0 && a.ino == b.ino && a.nlink == 2, "path_link makes a second name for the same file",
           "errno %E ino %U/%U nlink %U", e, a.ino, b.ino, a.nlink);
    expect_errno(__wasi_path_link(wd, 0, "rb", wd, "rb-hard"), __WASI_ERRNO_EXIST,
                 "path_link onto an existing name gives EEXIST");
    expect_errno(__wasi_path_link(wd, 0, "missing", wd, "x"), __WASI_ERRNO_NOENT,
                 "path_link of a missing name gives ENOENT");
    e = __wasi_path_link(wd, 0, "dc", wd, "dc-hard");
    expect_fail(e, "path_link of a directory fails");
    note("path_link of a directory: errno %E", e);

    expect_ok(__wasi_path_symlink("rb", wd, "sl"), "path_symlink");
    char buf[64];
    memset(buf, 0, sizeof(buf));
    __wasi_size_t used = 0;
    e = __wasi_path_readlink(wd, "sl", (uint8_t *)buf, sizeof(buf), &used);
    expect(e == 0 && used == 2 && memcmp(buf, "rb", 2) == 0, "path_readlink returns the target",
           "errno %E used %u '%s'", e, used, buf);
    (void)__wasi_path_symlink("a-rather-long-target-name", wd, "sl-long");
    memset(buf, 0, sizeof(buf));
    e = __wasi_path_readlink(wd, "sl-long", (uint8_t *)buf, 4, &used);
    expect(e == 0 && used == 4 && memcmp(buf, "a-ra", 4) == 0 && buf[4] == 0,
           "path_readlink into a too-small buffer truncates", "errno %E used %u '%s'", e, used, buf);
    e = __wasi_path_readlink(wd, "rb", (uint8_t *)buf, sizeof(buf), &used);
    expect_errno(e, __WASI_ERRNO_INVAL, "path_readlink of a regular file gives EINVAL");
    e = __wasi_path_readlink(wd, "missing", (uint8_t *)buf, sizeof(buf), &used);
    expect_errno(e, __WASI_ERRNO_NOENT, "path_readlink of a missing name gives ENOENT");
    expect(file_is("sl", "A"), "path_open with symlink_follow opens the target", "content differs");
    __wasi_fd_t fd;
    e = open_at(wd, 0, "sl", 0, RIGHTS_FILE, 0, &fd);
    expect_errno(e, __WASI_ERRNO_LOOP, "path_open of a symlink without symlink_follow gives ELOOP");
    if (e == 0)
        (void)__wasi_fd_close(fd);
    (void)__wasi_path_symlink("nowhere", wd, "dangling");
    __wasi_filestat_t st = stat_path("dangling", 0, &e);
    expect(e == 0 && st.filetype == __WASI_FILETYPE_SYMBOLIC_LINK, "a dangling symlink can be stat'ed itself",
           "errno %E filetype %u", e, st.filetype);
    stat_path("dangling", 1, &e);
    expect_errno(e, __WASI_ERRNO_NOENT, "following a dangling symlink gives ENOENT");
    expect_errno(__wasi_path_symlink("x", wd, "rb"), __WASI_ERRNO_EXIST,
                 "path_symlink onto an existing name gives EEXIST");
    e = __wasi_path_unlink_file(wd, "sl");
    expect(e == 0 && !exists("sl") && exists("rb"), "path_unlink_file of a symlink removes only the link",
           "errno %E", e);
}

/* ---------------------------------------------------------- fd flags */

static void test_fdstat(void) {
    __wasi_errno_t e;
    __wasi_fd_t fd;
    if (!expect_ok(open_file(wd, "rb", 0, 0, &fd), "path_open rb for fdstat"))
        return;
    __wasi_fdstat_t fs;
    e = __wasi_fd_fdstat_get(fd, &fs);
    __wasi_rights_t rw = __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE;
    expect(e == 0 && fs.fs_filetype == __WASI_FILETYPE_REGULAR_FILE && fs.fs_flags == 0 &&
               (fs.fs_rights_base & rw) == rw,
           "fd_fdstat_get of a file", "errno %E filetype %u flags %x base %X", e, fs.fs_filetype, fs.fs_flags,
           fs.fs_rights_base);

    e = __wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_APPEND);
    expect_ok(e, "fd_fdstat_set_flags append");
    e = __wasi_fd_fdstat_get(fd, &fs);
    expect(e == 0 && fs.fs_flags == __WASI_FDFLAGS_APPEND, "fd_fdstat_get shows the flag set later",
           "errno %E flags %x", e, fs.fs_flags);
    __wasi_errno_t se;
    seek(fd, 0, __WASI_WHENCE_SET, &se);
    (void)write_str(fd, "Z");
    char buf[16];
    pread_str(fd, buf, 15, 0);
    expect(strcmp(buf, "AZ") == 0, "a write after fd_fdstat_set_flags append goes to the end", "content '%s'", buf);
    e = __wasi_fd_fdstat_set_flags(fd, 0);
    __wasi_fdstat_t fs2;
    __wasi_errno_t e2 = __wasi_fd_fdstat_get(fd, &fs2);
    expect(e == 0 && e2 == 0 && fs2.fs_flags == 0, "fd_fdstat_set_flags 0 clears append", "errno %E flags %x", e,
           fs2.fs_flags);

    /* rights: narrowing works, the removed right is then missing, widening fails */
    __wasi_rights_t narrow = __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_TELL |
                             __WASI_RIGHTS_FD_FILESTAT_GET;
    e = __wasi_fd_fdstat_set_rights(fd, narrow, 0);
    expect_ok(e, "fd_fdstat_set_rights narrows the rights");
    e = __wasi_fd_fdstat_get(fd, &fs);
    expect(e == 0 && fs.fs_rights_base == narrow && fs.fs_rights_inheriting == 0,
           "fd_fdstat_get shows the narrowed rights", "errno %E base %X inheriting %X", e, fs.fs_rights_base,
           fs.fs_rights_inheriting);
    e = write_str(fd, "no");
    expect_errno(e, __WASI_ERRNO_NOTCAPABLE, "fd_write without the fd_write right gives ENOTCAPABLE");
    seek(fd, 0, __WASI_WHENCE_SET, &se);
    __wasi_iovec_t iov = {(uint8_t *)buf, 2};
    __wasi_size_t n = 0;
    e = __wasi_fd_read(fd, &iov, 1, &n);
    expect(e == 0 && n == 2, "fd_read with the fd_read right kept still works", "errno %E n %u", e, n);
    e = __wasi_fd_fdstat_set_rights(fd, narrow | __WASI_RIGHTS_FD_WRITE, 0);
    expect_errno(e, __WASI_ERRNO_NOTCAPABLE, "fd_fdstat_set_rights cannot widen rights (ENOTCAPABLE)");
    (void)__wasi_fd_close(fd);
}

/* ---------------------------------- advise, allocate, sync, renumber */

static void test_misc_fd(void) {
    __wasi_errno_t e;
    __wasi_fd_t fd;
    if (!expect_ok(open_file(wd, "alloc", __WASI_OFLAGS_CREAT, 0, &fd), "path_open alloc"))
        return;
    int bad = -1;
    for (int adv = 0; adv <= 5; adv++) {
        e = __wasi_fd_advise(fd, 0, 100, (__wasi_advice_t)adv);
        if (e && bad < 0)
            bad = adv;
    }
    expect(bad < 0, "fd_advise accepts every advice", "advice %d failed", bad);
    e = __wasi_fd_advise(fd, 0, 100, (__wasi_advice_t)6);
    expect_errno(e, __WASI_ERRNO_INVAL, "fd_advise with an unknown advice gives EINVAL");
    e = __wasi_fd_allocate(fd, 0, 4096);
    expect_ok(e, "fd_allocate");
    __wasi_errno_t e2;
    __wasi_filestat_t st = stat_fd(fd, &e2);
    expect(st.size >= 4096, "fd_allocate extends the file to offset+len", "size %U", st.size);
    e = __wasi_fd_allocate(fd, 0, 4096);
    expect_ok(e, "fd_allocate of an already allocated range succeeds");
    expect_ok(__wasi_fd_sync(fd), "fd_sync");
    expect_ok(__wasi_fd_datasync(fd), "fd_datasync");
    (void)__wasi_fd_close(fd);

    __wasi_fd_t fa, fb;
    (void)put_file(wd, "ren-a", "RA");
    (void)put_file(wd, "ren-b", "RB");
    (void)open_file(wd, "ren-a", 0, 0, &fa);
    (void)open_file(wd, "ren-b", 0, 0, &fb);
    e = __wasi_fd_renumber(fa, fb);
    expect_ok(e, "fd_renumber");
    __wasi_fdstat_t fs;
    expect_errno(__wasi_fd_fdstat_get(fa, &fs), __WASI_ERRNO_BADF, "after fd_renumber the old number is closed");
    char buf[16];
    pread_str(fb, buf, 15, 0);
    expect(strcmp(buf, "RA") == 0, "after fd_renumber the new number is the old file", "content '%s'", buf);
    expect_errno(__wasi_fd_renumber(1234, fb), __WASI_ERRNO_BADF, "fd_renumber from a closed fd gives EBADF");
    (void)__wasi_fd_close(fb);
}

/* -------------------------------------------------- prestat and close */

static void test_prestat(const char *base) {
    __wasi_errno_t e;
    int count = 0, prefix = 0;
    for (int fd = 3; fd < 64; fd++) {
        __wasi_prestat_t ps;
        e = __wasi_fd_prestat_get(fd, &ps);
        if (e == __WASI_ERRNO_BADF)
            break;
        if (e != 0) {
            /* A non-preopen fd opened by this program; checked below. */
            note("fd_prestat_get of fd %d: errno %E", fd, e);
            break;
        }
        count++;
        char name[256];
        unsigned len = ps.u.dir.pr_name_len;
        if (ps.tag != __WASI_PREOPENTYPE_DIR || len == 0 || len >= sizeof(name)) {
            fail("fd_prestat_get describes a directory", "fd %d tag %u len %u", fd, ps.tag, len);
            continue;
        }
        memset(name, 0, sizeof(name));
        e = __wasi_fd_prestat_dir_name(fd, (uint8_t *)name, len);
        if (e) {
            fail("fd_prestat_dir_name", "fd %d errno %E", fd, e);
            continue;
        }
        note("preopen fd %d: '%s'", fd, name);
        if (strncmp(base, name, len) == 0 || (len == 1 && name[0] == '/'))
            prefix = 1;
    }
    expect(count > 0, "fd_prestat_get finds the preopens from fd 3 on", "none found");
    expect(prefix, "one preopen's name is a prefix of the work directory", "none is a prefix of %s", base);
    __wasi_prestat_t ps;
    /* EBADF, not another errno: wasi-libc's start-up scan of the preopens
     * stops at the first EBADF and aborts on any other error. */
    expect_errno(__wasi_fd_prestat_get(wd, &ps), __WASI_ERRNO_BADF,
                 "fd_prestat_get of a directory opened later gives EBADF");
    expect_errno(__wasi_fd_prestat_get(1234, &ps), __WASI_ERRNO_BADF, "fd_prestat_get of a closed fd gives EBADF");
}

static void test_close(void) {
    __wasi_fd_t fd;
    if (!expect_ok(open_file(wd, "rb", 0, 0, &fd), "path_open rb for fd_close"))
        return;
    expect_ok(__wasi_fd_close(fd), "fd_close");
    expect_errno(__wasi_fd_close(fd), __WASI_ERRNO_BADF, "fd_close twice gives EBADF");
    char b[4];
    __wasi_iovec_t iov = {(uint8_t *)b, 4};
    __wasi_size_t n;
    expect_errno(__wasi_fd_read(fd, &iov, 1, &n), __WASI_ERRNO_BADF, "fd_read after fd_close gives EBADF");
    expect_errno(write_str(fd, "x"), __WASI_ERRNO_BADF, "fd_write after fd_close gives EBADF");
}

int main(int argc, char **argv) {
    const char *base = argc > 1 ? argv[1] : "/tmp";
    note("p1_fs: working under %s", base);
    __wasi_fd_t basefd;
    __wasi_errno_t e = open_dir(base, &basefd);
    if (!expect_ok(e, "open the base directory"))
        return check_done();
    char name[32] = "p1fs-";
    random_hex(name + 5);
    note("work directory %s/%s", base, name);
    expect_ok(__wasi_path_create_directory(basefd, name), "path_create_directory of the work directory");
    e = open_subdir(basefd, name, &wd);
    if (!expect_ok(e, "path_open the work directory"))
        return check_done();

    test_open_read_write();
    test_readdir();
    test_filestat();
    test_dirs();
    test_links();
    test_fdstat();
    test_misc_fd();
    test_prestat(base);
    test_close();

    (void)__wasi_fd_close(wd);
    remove_tree(basefd, name, 0);
    __wasi_filestat_t st;
    e = __wasi_path_filestat_get(basefd, 0, name, &st);
    expect_errno(e, __WASI_ERRNO_NOENT, "the work directory is removed at the end");
    return check_done();
}
