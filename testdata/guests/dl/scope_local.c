/* libscopelocal.so: opened RTLD_LOCAL, later promoted. */
int local_value(void) { return 17; }

/* Taking its own address gives local_value a table slot of the library's
 * own: every other module must see the same one. */
void *local_self(void) { return (void *)local_value; }
