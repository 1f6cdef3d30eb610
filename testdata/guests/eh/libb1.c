/* libb1.so: one of the three side modules of dlbench. */
static int calls;
int b1_table[16] = {1, 1, 1};
__attribute__((constructor)) static void b1_init(void) { b1_table[15] = 1 * 10; }
int b1_work(int x) { calls++; return x + b1_table[0] + b1_table[15]; }
