/* libctorb.so: needed by libctora.so; keeps the words. Constructors run
 * before the program's own libc is set up (its constructors are the main
 * program's), so the words are kept in a log the program prints; once
 * say_directly is called (by the ctors test only: dltest runs the other
 * tests with these libraries loaded too) they are written at once. */
#include <string.h>
#include <unistd.h>

static char log[256];
static int direct;

void say(const char *w) {
    if (direct) {
        write(1, w, strlen(w));
        write(1, "\n", 1);
    } else if (strlen(log) + strlen(w) + 2 < sizeof log) {
        strcat(log, w);
        strcat(log, "\n");
    }
}

const char *said(void) { return log; }

void say_directly(void) { direct = 1; }

__attribute__((constructor)) static void b_ctor(void) { say("b-ctor"); }
__attribute__((destructor)) static void b_dtor(void) { say("b-dtor"); }
