/* libscopeuser.so: needs local_value from the global scope. */
extern int local_value(void);

int user_value(void) { return local_value() + 1; }
void *user_pointer(void) { return (void *)local_value; }
