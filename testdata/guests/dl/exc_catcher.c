/* libcatcher.so: catches exceptions thrown anywhere. */
#include "exc.h"

const char *lib_catch(exc_fn fn, void *arg) { return (const char *)cxx_try(fn, arg); }

static void own_throw(void *arg) { CXX_THROW("An exception occurred!"); }

int lib_catch_all(void) { return cxx_try_all(own_throw, 0) ? 42 : -1; }
