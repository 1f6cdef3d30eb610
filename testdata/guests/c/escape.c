/*
 * escape.c - nothing outside a mount is reachable.
 *
 * Usage: escape.wasm CANARY [SANDBOX]
 *   CANARY   the canary file's absolute path on the host, e.g. /tmp/T/canary.txt
 *   SANDBOX  the guest path of the mount (default /sandbox)
 *
 * Host layout the test sets up:
 *   T/canary.txt   a file whose contents start with "WASIX-CANARY"
 *   T/box/         an empty, writable directory, mounted at SANDBOX
 * The program makes its own files, directories and symlinks in the sandbox
 * (with path_symlink), then tries to reach the canary (or /etc/passwd) by
 * every route it knows: ".." chains, absolute paths, absolute symlinks,
 * relative symlinks climbing out, a symlink to a directory followed by "..".
 *
 * An attempt passes when it fails, or when it opens something that is not
 * the canary (a runtime with a virtual root may resolve "SANDBOX/.." to its
 * own "/", which is not the host's T). The errno of each attempt is printed
 * on a "#" line. Symlink loops must give ELOOP. Legitimate ".." inside the
 * sandbox must keep working. Calls that would create, rename, link or
 * remove something outside must fail; the test can also check on the host
 * that T holds nothing but canary.txt and box/ afterwards and that
 * canary.txt is unchanged.
 *
 * A runtime may refuse to create links that point outside (Node does); then
 * the attempts through them only test creation. So that resolution is tested
 * too, the test should also create these links on the host before the run
 * (attempts through missing ones simply fail, which passes):
 *   T/box/pre-up1  -> ..
 *   T/box/pre-abs  -> T/canary.txt (absolute host path)
 *   T/box/pre-etc  -> /etc
 *   T/box/pre-root -> ../../../../../../../../../..
 *
 * Exit status: 0 when every check passed, 1 otherwise.
 */
#include "p1util.h"

static __wasi_fd_t sb; /* the sandbox preopen */

/* looks_secret says whether data read from a file is something that must
 * never be reachable from the sandbox. */
static int looks_secret(const char *data) {
    return strncmp(data, "WASIX-CANARY", 12) == 0 || strncmp(data, "root:", 5) == 0;
}

/* try_read: path_open (following symlinks) and read. */
static void try_read(const char *path) {
    char what[600];
    strcpy(what, "escape: reading ");
    strcat(what, path);
    strcat(what, " does not reach the canary");
    __wasi_fd_t fd;
    __wasi_errno_t e = open_at(sb, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, path, 0, RIGHTS_FILE, 0, &fd);
    if (e) {
        pass(what);
        note("%s: errno %E", path, e);
        return;
    }
    char buf[65];
    __wasi_iovec_t iov = {(uint8_t *)buf, 64};
    __wasi_size_t n = 0;
    e = __wasi_fd_read(fd, &iov, 1, &n);
    buf[e ? 0 : n] = 0;
    (void)__wasi_fd_close(fd);
    expect(!looks_secret(buf), what, "opened it and read '%s'", buf);
    note("%s: opened, read errno %E, %u bytes", path, e, n);
}

/* try_stat: path_filestat_get following symlinks must not find the canary.
 * Without opening it, the size is the only clue: the canary's size is
 * unknown here, so the stat must simply fail or not be a regular file. */
static void try_stat(const char *path) {
    char what[600];
    strcpy(what, "escape: path_filestat_get ");
    strcat(what, path);
    strcat(what, " finds no file");
    __wasi_filestat_t st;
    __wasi_errno_t e = __wasi_path_filestat_get(sb, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, path, &st);
    expect(e != 0 || st.filetype != __WASI_FILETYPE_REGULAR_FILE, what, "found a regular file of %U bytes",
           st.size);
    note("stat %s: errno %E", path, e);
}

static void try_loop(const char *path) {
    char what[300];
    strcpy(what, "escape: opening ");
    strcat(what, path);
    strcat(what, " gives ELOOP");
    __wasi_fd_t fd;
    __wasi_errno_t e = open_at(sb, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, path, 0, RIGHTS_FILE, 0, &fd);
    expect_errno(e, __WASI_ERRNO_LOOP, what);
    if (e == 0)
        (void)__wasi_fd_close(fd);
}

static void try_legit(const char *path) {
    char what[300], buf[64];
    strcpy(what, "reading ");
    strcat(what, path);
    strcat(what, " inside the sandbox works");
    __wasi_errno_t e = get_file(sb, path, buf, sizeof(buf));
    expect(e == 0 && strcmp(buf, "inside") == 0, what, "errno %E content '%s'", e, buf);
}

static void make_link(const char *target, const char *name) {
    __wasi_errno_t e = __wasi_path_symlink(target, sb, name);
    /* Refusing to make a link that points outside is a valid defence. */
    note("path_symlink %s -> %s: errno %E", name, target, e);
}

static void expect_refused(__wasi_errno_t e, const char *what) {
    expect(e != 0, what, "it succeeded");
    note("%s: errno %E", what, e);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fail("arguments", "usage: escape.wasm CANARY_HOST_PATH [SANDBOX]");
        return check_done();
    }
    const char *canary = argv[1];
    const char *sandbox = argc > 2 ? argv[2] : "/sandbox";
    const char *rel;
    int pre = find_preopen(sandbox, &rel);
    if (!expect(pre >= 0 && strcmp(rel, ".") == 0, "the sandbox is a preopen", "no preopen named %s", sandbox))
        return check_done();
    sb = (__wasi_fd_t)pre;

    /* the sandbox's own contents */
    expect_ok(put_file(sb, "inside.txt", "inside"), "make inside.txt");
    expect_ok(__wasi_path_create_directory(sb, "a"), "make directory a");
    expect_ok(__wasi_path_create_directory(sb, "d"), "make directory d");

    char deep[700];
    strcpy(deep, "../../../../../../../../../..");
    strcat(deep, canary);
    const char *canary_rel = canary;
    while (*canary_rel == '/')
        canary_rel++;

    make_link("/etc", "etc");
    make_link(canary, "canary-abs");
    make_link("..", "up1");
    make_link("../../..", "up3");
    make_link("../../../../../../../../../..", "uproot");
    make_link("loopb", "loopa");
    make_link("loopa", "loopb");
    make_link("self", "self");
    make_link("d", "dlink");
    make_link("d/../..", "dlink-up");
    make_link("../..", "a/up");
    make_link("../canary.txt", "a/canary-rel");

    /* ".." chains and absolute paths */
    try_read("../canary.txt");
    try_read("a/../../canary.txt");
    try_read("./../canary.txt");
    try_read(deep);
    try_read(canary);
    try_read("/etc/passwd");
    /* absolute symlinks */
    try_read("etc/passwd");
    try_read("canary-abs");
    /* relative symlinks climbing out */
    try_read("up1/canary.txt");
    char via[700];
    strcpy(via, "up3/");
    strcat(via, canary_rel);
    try_read(via);
    strcpy(via, "uproot/");
    strcat(via, canary_rel);
    try_read(via);
    strcpy(via, "uproot/etc/passwd");
    try_read(via);
    try_read("a/up/canary.txt");
    try_read("a/canary-rel");
    try_read("dlink-up/canary.txt");
    /* a symlink to a directory, then ".." through it */
    try_read("dlink/../../canary.txt");
    try_read("dlink/../up1/canary.txt");

    /* links made on the host by the test, if it did */
    try_read("pre-up1/canary.txt");
    try_read("pre-abs");
    try_read("pre-etc/passwd");
    strcpy(via, "pre-root/");
    strcat(via, canary_rel);
    try_read(via);
    try_read("pre-root/etc/passwd");
    try_read("d/../pre-up1/canary.txt");

    try_stat("../canary.txt");
    try_stat("pre-abs");
    try_stat("pre-up1/canary.txt");
    try_stat("canary-abs");
    try_stat("up1/canary.txt");
    try_stat("a/canary-rel");

    /* loops */
    try_loop("loopa");
    try_loop("self");
    try_loop("loopa/x");

    /* legitimate ".." stays possible */
    try_legit("inside.txt");
    try_legit("a/../inside.txt");
    try_legit("dlink/../inside.txt");
    try_legit("./d/../a/../inside.txt");

    /* a directory opened through ".." or a climbing link must not be T */
    static const char *const dirs[] = {"..", "up1", "uproot", "dlink/../..", "pre-up1", "pre-root"};
    for (unsigned i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
        __wasi_fd_t dfd;
        char what[200];
        strcpy(what, "escape: directory ");
        strcat(what, dirs[i]);
        strcat(what, " is not the host's parent of the sandbox");
        __wasi_errno_t e = open_subdir(sb, dirs[i], &dfd);
        if (e) {
            pass(what);
            note("open directory %s: errno %E", dirs[i], e);
            continue;
        }
        __wasi_filestat_t st;
        e = __wasi_path_filestat_get(dfd, 0, "canary.txt", &st);
        expect(e != 0, what, "it holds canary.txt");
        note("open directory %s: opened; canary.txt there: errno %E", dirs[i], e);
        (void)__wasi_fd_close(dfd);
    }

    /* nothing may be created, renamed, linked or removed outside */
    __wasi_fd_t fd;
    expect_refused(open_at(sb, 0, "../escaped.txt", __WASI_OFLAGS_CREAT, RIGHTS_FILE, 0, &fd),
                   "escape: path_open creat ../escaped.txt fails");
    expect_refused(open_at(sb, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "up1/escaped2.txt", __WASI_OFLAGS_CREAT,
                           RIGHTS_FILE, 0, &fd),
                   "escape: path_open creat up1/escaped2.txt fails");
    expect_refused(__wasi_path_create_directory(sb, "../escaped-dir"),
                   "escape: path_create_directory ../escaped-dir fails");
    expect_refused(__wasi_path_symlink("x", sb, "../escaped-link"), "escape: path_symlink ../escaped-link fails");
    expect_refused(__wasi_path_rename(sb, "../canary.txt", sb, "stolen"),
                   "escape: path_rename ../canary.txt into the sandbox fails");
    expect_refused(__wasi_path_rename(sb, "inside.txt", sb, "../inside.txt"),
                   "escape: path_rename out of the sandbox fails");
    expect_refused(__wasi_path_link(sb, 0, "../canary.txt", sb, "stolen-hard"),
                   "escape: path_link ../canary.txt into the sandbox fails");
    expect_refused(__wasi_path_link(sb, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "canary-abs", sb, "stolen-hard2"),
                   "escape: path_link following canary-abs fails");
    expect_refused(__wasi_path_unlink_file(sb, "../canary.txt"), "escape: path_unlink_file ../canary.txt fails");
    expect_refused(__wasi_path_unlink_file(sb, "up1/canary.txt"), "escape: path_unlink_file up1/canary.txt fails");
    expect_refused(__wasi_path_unlink_file(sb, "pre-up1/canary.txt"),
                   "escape: path_unlink_file pre-up1/canary.txt fails");
    expect_refused(open_at(sb, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "pre-up1/escaped3.txt", __WASI_OFLAGS_CREAT,
                           RIGHTS_FILE, 0, &fd),
                   "escape: path_open creat pre-up1/escaped3.txt fails");
    /* what is left in the sandbox is the test's to inspect; no cleanup */
    return check_done();
}
