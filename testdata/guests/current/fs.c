/* fs: what today's wasix-libc programs do with the filesystem that
 * differs from plain WASI: closing the preopened directories (programs
 * that close every descriptor above 2) leaves relative and absolute paths
 * working, and rename from the in-memory /tmp to a host mount (argv[1])
 * moves the file. */
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "tap.h"

static int read_file(const char *path, char *buf, size_t n) {
    int f = open(path, O_RDONLY);
    if (f < 0)
        return -1;
    ssize_t r = read(f, buf, n - 1);
    close(f);
    if (r < 0)
        return -1;
    buf[r] = 0;
    return (int)r;
}

static int write_file(const char *path, const char *s) {
    int f = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
    if (f < 0)
        return -1;
    ssize_t n = write(f, s, strlen(s));
    close(f);
    return n == (ssize_t)strlen(s) ? 0 : -1;
}

int main(int argc, char **argv) {
    const char *mnt = argc > 1 ? argv[1] : NULL;
    char buf[256];

    check(chdir("/tmp") == 0, "chdir /tmp");

    /* close every descriptor above stderr, as daemons and shells do */
    int closed = 0;
    for (int fd = 3; fd < 64; fd++)
        closed += close(fd) == 0;
    note("closed %d descriptors", closed);

    int d = open(".", O_RDONLY | O_DIRECTORY);
    check(d >= 0, "open(\".\") after closing the preopens");
    if (d >= 0)
        close(d);
    check(write_file("rel-file", "relative") == 0, "create a file by a relative path");
    check(read_file("/tmp/rel-file", buf, sizeof buf) == 8 && strcmp(buf, "relative") == 0,
          "read it back by its absolute path");
    check(read_file("./rel-file", buf, sizeof buf) == 8, "and by ./rel-file");
    check(mkdir("sub", 0755) == 0, "mkdir by a relative path");
    check(chdir("sub") == 0, "chdir into it");
    check(read_file("../rel-file", buf, sizeof buf) == 8, "a path with .. from there");
    check(getcwd(buf, sizeof buf) != NULL && strcmp(buf, "/tmp/sub") == 0, "getcwd is /tmp/sub (%s)", buf);
    check(chdir("/tmp") == 0, "chdir back");
    DIR *dir = opendir(".");
    int seen = 0;
    if (dir != NULL) {
        struct dirent *e;
        while ((e = readdir(dir)) != NULL)
            seen += strcmp(e->d_name, "rel-file") == 0 || strcmp(e->d_name, "sub") == 0;
        closedir(dir);
    }
    check_eq(seen, 2, "opendir(\".\") lists the new file and directory");
    rmdir("sub");

    if (mnt == NULL) {
        note("no mount given: the rename checks are skipped");
        unlink("rel-file");
        return tap_done();
    }

    /* rename across filesystems: /tmp (memory) to the host mount */
    char dst[200];
    snprintf(dst, sizeof dst, "%s/moved-file", mnt);
    unlink(dst);
    check(rename("/tmp/rel-file", dst) == 0, "rename /tmp/rel-file to %s", dst);
    check(read_file(dst, buf, sizeof buf) == 8 && strcmp(buf, "relative") == 0, "the moved file has its contents");
    struct stat st;
    errno = 0;
    check(stat("/tmp/rel-file", &st) == -1 && errno == ENOENT, "the source is gone");

    /* and back, over an existing file */
    check(write_file("/tmp/back", "old") == 0, "a file to be replaced in /tmp");
    check(rename(dst, "/tmp/back") == 0, "rename from the mount back to /tmp over an existing file");
    check(read_file("/tmp/back", buf, sizeof buf) == 8 && strcmp(buf, "relative") == 0, "the target was replaced");
    errno = 0;
    check(stat(dst, &st) == -1 && errno == ENOENT, "the mount's copy is gone");
    unlink("/tmp/back");
    return tap_done();
}
