/* libb3.so: one of the three side modules of dlbench. */
static int calls;
int b3_table[16] = {3, 3, 3};
__attribute__((constructor)) static void b3_init(void) { b3_table[15] = 3 * 10; }
int b3_work(int x) { calls++; return x + b3_table[0] + b3_table[15]; }
