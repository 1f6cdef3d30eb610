/* libdtor.so: dlopened and dlclosed by ctors.wasm. */
extern void say(const char *);

__attribute__((constructor)) static void lib_ctor(void) { say("lib-ctor"); }
__attribute__((destructor)) static void lib_dtor(void) { say("lib-dtor"); }
