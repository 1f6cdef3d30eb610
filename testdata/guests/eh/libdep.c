/* libdep.so: a side module that libplug.so needs. */
int dep_base = 100;

int dep_add(int x) { return x + dep_base; }
