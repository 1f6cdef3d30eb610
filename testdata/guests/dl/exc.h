/* The C++ exception ABI of wasm, by hand (there is no C++ runtime in this
 * toolchain): a throw is `throw __cpp_exception` with a pointer payload,
 * a catch is cxx_try (exc_try.s). */
typedef void (*exc_fn)(void *);
int cxx_try(exc_fn fn, void *arg);
int cxx_try_all(exc_fn fn, void *arg);
#define CXX_THROW(msg) __builtin_wasm_throw(0, (void *)(msg))
