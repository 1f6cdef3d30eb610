/* libb2.so: one of the three side modules of dlbench. */
static int calls;
int b2_table[16] = {2, 2, 2};
__attribute__((constructor)) static void b2_init(void) { b2_table[15] = 2 * 10; }
int b2_work(int x) { calls++; return x + b2_table[0] + b2_table[15]; }
