/*
 * dltest - one -pie main program for all the tests of this directory
 * (one copy of libc, which a -pie main exports whole, instead of one per
 * test): `dltest NAME [ARGS]` runs test_NAME of NAME.c. It needs at start
 * the libraries those tests need (libneedmain, libtlsside, libtlscommon,
 * libctora, libweak, libthrower, libcatcher), found through rpath $ORIGIN.
 */
#include <stdio.h>
#include <string.h>

int test_dlopen(void);
int test_needed(void);
int test_tls(void);
int test_cache(void);
int test_dup(void);
int test_simple(void);
int test_ctors(void);
int test_weak(void);
int test_exc(void);
int test_scope(void);
int test_exitdyn(int argc, char **argv);

static const struct {
    const char *name;
    int (*fn)(void);
} tests[] = {
    {"dlopen", test_dlopen}, {"needed", test_needed}, {"tls", test_tls},     {"cache", test_cache},
    {"dup", test_dup},       {"simple", test_simple}, {"ctors", test_ctors}, {"weak", test_weak},
    {"exc", test_exc},       {"scope", test_scope},
};

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "exitdyn") == 0)
        return test_exitdyn(argc - 1, argv + 1);
    for (unsigned i = 0; argc > 1 && i < sizeof tests / sizeof tests[0]; i++)
        if (strcmp(argv[1], tests[i].name) == 0)
            return tests[i].fn();
    printf("usage: dltest NAME\n");
    return 2;
}
