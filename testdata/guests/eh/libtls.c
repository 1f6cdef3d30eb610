/* libtls.so: thread-local data in a side module. */
__thread int tls_counter = 100;

int tls_bump(void) { return ++tls_counter; }
int *tls_where(void) { return &tls_counter; }
