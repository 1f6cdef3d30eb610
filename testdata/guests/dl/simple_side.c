/* libsimple.so */
int get_value(void) { return 42; }
