/* libweak.so: needed by weak.wasm. */
int erryes = 444;
int other_func(void) { return 42; }
