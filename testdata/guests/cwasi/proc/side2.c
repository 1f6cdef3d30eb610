/* libside2.so: what libside1.so needs at load. */
int data_export2 = 7;

int func_export2(void) { return 99; }
