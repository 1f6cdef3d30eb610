/* The library dlopen.c opens. */
int side_twice(int x) { return 2 * x; }
