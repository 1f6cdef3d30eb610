/* libcache2.so */
int side_func(int x) { return x * 2; }
