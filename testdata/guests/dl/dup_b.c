/* b/libdup.so */
const char *module_name(void) { return "B"; }
