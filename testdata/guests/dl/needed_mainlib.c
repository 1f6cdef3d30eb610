/* libneedmain.so: needed by needed.wasm at start. */
int main_needed_func(int x) { return x + 1; }
