/*
 * p1util.h - helpers shared by the wasi-libc (preview1) guest programs.
 * Everything here goes through the raw __wasi_* calls of <wasi/api.h>.
 */
#ifndef GUEST_P1UTIL_H
#define GUEST_P1UTIL_H

#include <stdint.h>
#include <string.h>
#include <wasi/api.h>

#include "check.h"

/* Every right preview1 defines (bits 0..29). */
#define RIGHTS_ALL ((__wasi_rights_t)0x3FFFFFFFull)

/*
 * Rights a directory can use: no read, write, datasync, seek, tell, advise,
 * allocate or set-size. Both peers pick the host open mode from the rights:
 * wazero 1.12 opens for writing (and fails with EISDIR on a directory) when
 * fd_write is asked for, Node 20 (uvwasi) when any of fd_datasync, fd_write,
 * fd_allocate or fd_filestat_set_size is.
 */
#define RIGHTS_DIR                                                            \
    (RIGHTS_ALL &                                                              \
     ~(__wasi_rights_t)(__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE |       \
                        __WASI_RIGHTS_FD_DATASYNC |                            \
                        __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_TELL |        \
                        __WASI_RIGHTS_FD_ADVISE | __WASI_RIGHTS_FD_ALLOCATE |  \
                        __WASI_RIGHTS_FD_FILESTAT_SET_SIZE))

/* Rights a regular file can use. */
#define RIGHTS_FILE                                                          \
    (__WASI_RIGHTS_FD_DATASYNC | __WASI_RIGHTS_FD_READ |                      \
     __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_FDSTAT_SET_FLAGS |              \
     __WASI_RIGHTS_FD_SYNC | __WASI_RIGHTS_FD_TELL | __WASI_RIGHTS_FD_WRITE | \
     __WASI_RIGHTS_FD_ADVISE | __WASI_RIGHTS_FD_ALLOCATE |                    \
     __WASI_RIGHTS_FD_FILESTAT_GET | __WASI_RIGHTS_FD_FILESTAT_SET_SIZE |     \
     __WASI_RIGHTS_FD_FILESTAT_SET_TIMES | __WASI_RIGHTS_POLL_FD_READWRITE)

/*
 * find_preopen returns the preopened directory fd whose name is the longest
 * prefix of path (a whole path component), and sets *rest to the remainder
 * without leading slashes ("." when empty). Returns -1 if none matches.
 */
static int find_preopen(const char *path, const char **rest) {
    int best = -1;
    unsigned best_len = 0;
    char name[512];
    for (int fd = 3; fd < 256; fd++) {
        __wasi_prestat_t ps;
        __wasi_errno_t e = __wasi_fd_prestat_get(fd, &ps);
        if (e == __WASI_ERRNO_BADF)
            break;
        if (e != 0 || ps.tag != __WASI_PREOPENTYPE_DIR)
            continue;
        unsigned n = ps.u.dir.pr_name_len;
        if (n == 0 || n >= sizeof(name))
            continue;
        if (__wasi_fd_prestat_dir_name(fd, (uint8_t *)name, n) != 0)
            continue;
        /* Some runtimes end the name with NUL or '/'; trim them. */
        while (n > 1 && (name[n - 1] == 0 || name[n - 1] == '/'))
            n--;
        name[n] = 0;
        unsigned match = 0;
        if (n == 1 && name[0] == '/') {
            if (path[0] == '/')
                match = 1;
        } else if (strncmp(path, name, n) == 0 && (path[n] == 0 || path[n] == '/')) {
            match = n;
        }
        if (match > best_len) {
            best = fd;
            best_len = match;
        }
    }
    if (best >= 0 && rest) {
        const char *r = path + best_len;
        while (*r == '/')
            r++;
        *rest = *r ? r : ".";
    }
    return best;
}

/*
 * The rights a new fd may get are bounded by the inheriting rights of the
 * directory it is opened from (Node refuses more with ENOTCAPABLE), so ask
 * for what is wanted within those, as wasi-libc's open() does.
 */
static __wasi_rights_t inheriting_of(__wasi_fd_t dir) {
    __wasi_fdstat_t fs;
    if (__wasi_fd_fdstat_get(dir, &fs) != 0)
        return RIGHTS_ALL;
    return fs.fs_rights_inheriting;
}

static __wasi_errno_t open_at(__wasi_fd_t dir, __wasi_lookupflags_t lookup, const char *name,
                              __wasi_oflags_t oflags, __wasi_rights_t base, __wasi_fdflags_t fdflags,
                              __wasi_fd_t *out) {
    __wasi_rights_t inh = inheriting_of(dir);
    return __wasi_path_open(dir, lookup, name, oflags, base & inh, inh, fdflags, out);
}

/* open_subdir opens dir/name as a directory (following symlinks). */
static __wasi_errno_t open_subdir(__wasi_fd_t dir, const char *name, __wasi_fd_t *out) {
    return open_at(dir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, name, __WASI_OFLAGS_DIRECTORY, RIGHTS_DIR, 0, out);
}

/* open_dir opens a directory given by an absolute guest path. */
static __wasi_errno_t open_dir(const char *path, __wasi_fd_t *out) {
    const char *rel;
    int pre = find_preopen(path, &rel);
    if (pre < 0)
        return __WASI_ERRNO_NOENT;
    return open_subdir(pre, rel, out);
}

static __wasi_errno_t open_file(__wasi_fd_t dir, const char *name, __wasi_oflags_t oflags,
                                __wasi_fdflags_t fdflags, __wasi_fd_t *out) {
    return open_at(dir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, name, oflags, RIGHTS_FILE, fdflags, out);
}

/* write_str writes a whole string at the current offset. */
static __wasi_errno_t write_str(__wasi_fd_t fd, const char *s) {
    __wasi_ciovec_t iov = {(const uint8_t *)s, strlen(s)};
    __wasi_size_t n = 0;
    __wasi_errno_t e = __wasi_fd_write(fd, &iov, 1, &n);
    if (e == 0 && n != iov.buf_len)
        e = __WASI_ERRNO_IO;
    return e;
}

/* put_file creates (or truncates) dir/name with the given contents. */
static __wasi_errno_t put_file(__wasi_fd_t dir, const char *name, const char *s) {
    __wasi_fd_t fd;
    __wasi_errno_t e = open_file(dir, name, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, 0, &fd);
    if (e)
        return e;
    e = write_str(fd, s);
    __wasi_errno_t c = __wasi_fd_close(fd);
    return e ? e : c;
}

/* get_file reads up to cap-1 bytes of dir/name into buf (NUL-terminated). */
static __wasi_errno_t get_file(__wasi_fd_t dir, const char *name, char *buf, unsigned cap) {
    __wasi_fd_t fd;
    __wasi_errno_t e = open_file(dir, name, 0, 0, &fd);
    if (e)
        return e;
    unsigned total = 0;
    while (total < cap - 1) {
        __wasi_iovec_t iov = {(uint8_t *)buf + total, cap - 1 - total};
        __wasi_size_t n = 0;
        e = __wasi_fd_read(fd, &iov, 1, &n);
        if (e || n == 0)
            break;
        total += n;
    }
    buf[total] = 0;
    __wasi_errno_t c = __wasi_fd_close(fd);
    return e ? e : c;
}

/* random_hex fills out (9 bytes) with 8 random hex digits. */
static void random_hex(char *out) {
    uint8_t r[4] = {0, 0, 0, 0};
    if (__wasi_random_get(r, 4) != 0) {
        __wasi_timestamp_t t = 0;
        if (__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t) == 0)
            memcpy(r, &t, 4);
    }
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < 4; i++) {
        out[2 * i] = hex[r[i] >> 4];
        out[2 * i + 1] = hex[r[i] & 15];
    }
    out[8] = 0;
}

/*
 * remove_tree removes dir/name and everything below it, best effort,
 * without following symlinks.
 */
static void remove_tree(__wasi_fd_t dir, const char *name, int depth) {
    __wasi_filestat_t st;
    if (__wasi_path_filestat_get(dir, 0, name, &st) != 0)
        return;
    if (st.filetype != __WASI_FILETYPE_DIRECTORY || depth > 8) {
        (void)__wasi_path_unlink_file(dir, name);
        return;
    }
    __wasi_fd_t sub;
    if (open_at(dir, 0, name, __WASI_OFLAGS_DIRECTORY, RIGHTS_DIR, 0, &sub) == 0) {
        static uint8_t buf[8192];
        /* Each pass removes entries; restart from the beginning until empty. */
        for (int pass = 0; pass < 64; pass++) {
            __wasi_size_t used = 0;
            if (__wasi_fd_readdir(sub, buf, sizeof(buf), 0, &used) != 0)
                break;
            int removed = 0;
            unsigned off = 0;
            /* Collect names first: removing while parsing would reuse buf. */
            char names[16][128];
            int count = 0;
            while (off + sizeof(__wasi_dirent_t) <= used && count < 16) {
                __wasi_dirent_t d;
                memcpy(&d, buf + off, sizeof(d));
                off += sizeof(d);
                if (off + d.d_namlen > used)
                    break;
                if (d.d_namlen < sizeof(names[0])) {
                    memcpy(names[count], buf + off, d.d_namlen);
                    names[count][d.d_namlen] = 0;
                    if (strcmp(names[count], ".") && strcmp(names[count], ".."))
                        count++;
                }
                off += d.d_namlen;
            }
            for (int i = 0; i < count; i++) {
                remove_tree(sub, names[i], depth + 1);
                removed++;
            }
            if (!removed)
                break;
        }
        (void)__wasi_fd_close(sub);
    }
    (void)__wasi_path_remove_directory(dir, name);
}

#endif /* GUEST_P1UTIL_H */
