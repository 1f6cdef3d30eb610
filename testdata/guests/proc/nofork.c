/* nofork - calls proc_fork without being built for it (no asyncify), which
 * the runtime refuses with ENOTSUP. */
#include "wasixproc.h"

int main(void) {
    uint32_t pid = 0;
    printf("fork: errno %d\n", (int)wx_proc_fork(1, &pid));
    return 0;
}
