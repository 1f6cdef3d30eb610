/*
 * libplug.so: loaded with dlopen; needs libdep.so. It has a constructor,
 * static data, a relocated pointer, and calls into the main program's
 * libc (snprintf, strlen).
 */
#include <stdio.h>
#include <string.h>

extern int dep_add(int);

int plug_ready;              /* set by the constructor */
static char msg[64];
static const char *names[] = {"zero", "one", "two"}; /* relocated pointers */

__attribute__((constructor)) static void plug_init(void) { plug_ready = 42; }

int plug_value(int x) { return dep_add(x) * 2; }

const char *plug_message(int i) {
    snprintf(msg, sizeof msg, "plug %s %d", names[i % 3], (int)strlen(names[i % 3]));
    return msg;
}
