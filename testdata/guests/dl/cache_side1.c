/* libcache1.so */
int side_func(int x) { return x + 42; }
