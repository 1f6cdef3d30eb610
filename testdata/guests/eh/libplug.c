/*
 * libplug.so: loaded with dlopen; needs libdep.so. It has a constructor,
 * static data, a relocated pointer, calls into the main program's libc
 * (snprintf, strlen), and its constructor dlopens libtls.so.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

extern int dep_add(int);

int plug_ready;              /* set by the constructor */
int plug_nested;             /* the constructor's own dlopen worked */
static char msg[64];
static const char *names[] = {"zero", "one", "two"}; /* relocated pointers */

__attribute__((constructor)) static void plug_init(void) {
    plug_ready = 42;
    plug_nested = dlopen("libtls.so", RTLD_NOW) != 0; /* a dlopen inside a dlopen */
}

int plug_value(int x) { return dep_add(x) * 2; }

const char *plug_message(int i) {
    snprintf(msg, sizeof msg, "plug %s %d", names[i % 3], (int)strlen(names[i % 3]));
    return msg;
}
