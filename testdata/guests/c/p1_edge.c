/*
 * p1_edge.c - WASI preview1 edge cases as WASI's test suite checks them.
 *
 * Usage: p1_edge.wasm DIR   (DIR: a writable preopened directory)
 * Exit status: 0 when every check passed, 1 otherwise.
 *
 * A plain WASI program (wasi-libc): pwrite on an O_APPEND file, the rights
 * of a directory, trailing slashes on the new name of path_link and
 * path_symlink, fd_renumber's move, absolute symlink targets.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "p1util.h"

static __wasi_fd_t wd;
static char wdpath[600];

static void test_pwrite_append(void) {
    char path[700];
    strcpy(path, wdpath);
    strcat(path, "/pwrite");
    char buf[4] = {'a', 'b', 'c', 'd'};
    int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY | O_APPEND, 0644);
    if (!expect(fd >= 0, "open O_CREAT|O_TRUNC|O_WRONLY|O_APPEND", "errno %d", errno))
        return;
    ssize_t n = write(fd, buf, 2);
    off_t at = lseek(fd, 0, SEEK_SET);
    ssize_t m = write(fd, buf, 2);
    off_t cur = lseek(fd, 0, SEEK_CUR);
    expect(n == 2 && at == 0 && m == 2 && cur == 4, "O_APPEND writes go to the end", "wrote %d/%d, offset %d",
           (int)n, (int)m, (int)cur);
    errno = 0;
    ssize_t p = pwrite(fd, buf, 3, 0);
    expect(p == 3, "pwrite on an O_APPEND file writes", "pwrite %d errno %d", (int)p, errno);
    cur = lseek(fd, 0, SEEK_CUR);
    off_t end = lseek(fd, 0, SEEK_END);
    /* POSIX writes at 0, Linux at the end: WASI's suite accepts both. */
    expect(cur == 4 && (end == 4 || end == 7), "pwrite moves no offset and writes at 0 or the end",
           "offset %d end %d", (int)cur, (int)end);
    close(fd);
}

static void test_dir_rights(void) {
    /* asked for every right but writing ones, as wasi-libc's open(O_RDONLY) does */
    __wasi_rights_t ask = RIGHTS_ALL & ~(__wasi_rights_t)(__WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_DATASYNC |
                                                          __WASI_RIGHTS_FD_ALLOCATE |
                                                          __WASI_RIGHTS_FD_FILESTAT_SET_SIZE);
    __wasi_fd_t d;
    __wasi_errno_t e = open_at(wd, 0, ".", __WASI_OFLAGS_DIRECTORY, ask, 0, &d);
    if (!expect_ok(e, "path_open of a directory asking for fd_seek among the rest"))
        return;
    __wasi_fdstat_t st;
    e = __wasi_fd_fdstat_get(d, &st);
    expect(e == 0 && st.fs_filetype == __WASI_FILETYPE_DIRECTORY, "fd_fdstat_get of a directory", "errno %E type %u",
           e, st.fs_filetype);
    expect((st.fs_rights_base & __WASI_RIGHTS_FD_SEEK) == 0, "a directory has no fd_seek right", "rights %X",
           st.fs_rights_base);
    __wasi_filesize_t pos;
    e = __wasi_fd_seek(d, 0, __WASI_WHENCE_SET, &pos);
    expect_errno2(e, __WASI_ERRNO_BADF, __WASI_ERRNO_NOTCAPABLE, "fd_seek of a directory fails");
    (void)__wasi_fd_close(d);
}

static void test_trailing_slash(void) {
    expect_ok(put_file(wd, "file", "F"), "make a file");
    expect_errno(__wasi_path_link(wd, 0, "file", wd, "link/"), __WASI_ERRNO_NOENT,
                 "path_link to a new name with a trailing slash gives ENOENT");
    expect_errno(__wasi_path_symlink("source", wd, "target/"), __WASI_ERRNO_NOENT,
                 "path_symlink to a new name with a trailing slash gives ENOENT");
    expect_errno(__wasi_path_symlink("file", wd, "target/"), __WASI_ERRNO_NOENT,
                 "path_symlink of a file to a name with a trailing slash gives ENOENT");
    expect_ok(__wasi_path_create_directory(wd, "dir"), "make a directory");
    expect_errno(__wasi_path_symlink("source", wd, "dir/"), __WASI_ERRNO_EXIST,
                 "path_symlink onto a directory with a trailing slash gives EEXIST");
    /* WASI's suite wants ENOTDIR on unix; Node (uvwasi) answers EEXIST. */
    expect_errno2(__wasi_path_symlink("source", wd, "file/"), __WASI_ERRNO_NOTDIR, __WASI_ERRNO_EXIST,
                  "path_symlink onto a file with a trailing slash gives ENOTDIR or EEXIST");
    __wasi_filestat_t st;
    expect_errno(__wasi_path_filestat_get(wd, 0, "link", &st), __WASI_ERRNO_NOENT, "no link was made");
    expect_errno(__wasi_path_filestat_get(wd, 0, "target", &st), __WASI_ERRNO_NOENT, "no symlink was made");
    expect_ok(__wasi_path_symlink("source", wd, "target"), "path_symlink without the slash works");
}

static void test_renumber(void) {
    __wasi_fd_t a, b;
    expect_ok(put_file(wd, "ra", "RA"), "make ra");
    expect_ok(put_file(wd, "rb", "RB"), "make rb");
    if (!expect_ok(open_file(wd, "ra", 0, 0, &a), "open ra") || !expect_ok(open_file(wd, "rb", 0, 0, &b), "open rb"))
        return;
    __wasi_fdstat_t sa, sb;
    expect_errno(__wasi_fd_renumber(a, 200), __WASI_ERRNO_BADF, "fd_renumber onto a descriptor not open gives EBADF");
    expect_ok(__wasi_fd_fdstat_get(a, &sa), "a failed fd_renumber leaves the source open");
    expect_ok(__wasi_fd_renumber(a, b), "fd_renumber onto an open descriptor");
    expect_errno(__wasi_fd_close(a), __WASI_ERRNO_BADF, "fd_renumber closes the source");
    __wasi_errno_t e = __wasi_fd_fdstat_get(b, &sb);
    expect(e == 0 && sb.fs_filetype == sa.fs_filetype && sb.fs_rights_base == sa.fs_rights_base &&
               sb.fs_flags == sa.fs_flags,
           "the target takes the source's fdstat", "errno %E", e);
    (void)__wasi_fd_close(b);
}

static void test_symlink_absolute(void) {
    expect_errno(__wasi_path_symlink("/absolute", wd, "abs"), __WASI_ERRNO_PERM,
                 "path_symlink with an absolute target gives EPERM");
    __wasi_filestat_t st;
    expect_errno(__wasi_path_filestat_get(wd, 0, "abs", &st), __WASI_ERRNO_NOENT, "no absolute symlink was made");
}

int main(int argc, char **argv) {
    const char *base = argc > 1 ? argv[1] : "/tmp";
    __wasi_fd_t basefd;
    if (!expect_ok(open_dir(base, &basefd), "open the base directory"))
        return check_done();
    char name[32] = "p1edge-";
    random_hex(name + 7);
    strcpy(wdpath, base);
    strcat(wdpath, "/");
    strcat(wdpath, name);
    expect_ok(__wasi_path_create_directory(basefd, name), "make the work directory");
    if (!expect_ok(open_subdir(basefd, name, &wd), "open the work directory"))
        return check_done();

    test_pwrite_append();
    test_dir_rights();
    test_trailing_slash();
    test_renumber();
    test_symlink_absolute();

    (void)__wasi_fd_close(wd);
    remove_tree(basefd, name, 0);
    return check_done();
}
