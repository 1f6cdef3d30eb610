/*
 * sjlj - setjmp/longjmp done with wasm exceptions (wasixcc-eh), checked:
 * a jump across several frames, a jump from a nested setjmp to an outer
 * one, locals kept, the value 0 turned into 1, and the same in threads
 * running at once (each its own jmp_buf and its own exceptions).
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdint.h>
#include "../c/check.h"

static jmp_buf outer;

__attribute__((noinline)) static void dive(jmp_buf *jb, int depth, int val) {
    if (depth == 0)
        longjmp(*jb, val);
    dive(jb, depth - 1, val);
}

__attribute__((noinline)) static int nested(void) {
    jmp_buf inner;
    volatile int stage = 0;
    if (setjmp(inner) == 0) {
        stage = 1;
        dive(&inner, 3, 7);
        return -1;
    }
    stage = 2;
    dive(&outer, 4, 99); /* leaves this frame for main's setjmp */
    return stage;
}

static void *worker(void *arg) {
    intptr_t id = (intptr_t)arg;
    jmp_buf jb;
    volatile int rounds = 0;
    int v = setjmp(jb);
    if (v != 0 && v != rounds)
        return (void *)-1;
    if (rounds < 100) {
        rounds++;
        dive(&jb, (int)(id % 5) + 1, rounds);
    }
    return (void *)(intptr_t)(rounds + id);
}

int main(void) {
    volatile int local = 5;
    int v = setjmp(outer);
    if (v == 0) {
        local = 6;
        dive(&outer, 10, 42);
        fail("longjmp across frames", "dive returned");
    } else if (v == 42) {
        expect(local == 6, "longjmp across frames", "local %d", local);
        int r = setjmp(outer);
        if (r == 0) {
            nested();
            fail("longjmp from a nested setjmp to an outer one", "nested returned");
        } else {
            expect(r == 99, "longjmp from a nested setjmp to an outer one", "value %d", r);
        }
    } else {
        fail("longjmp across frames", "value %d", v);
    }

    jmp_buf z;
    int zv = setjmp(z);
    if (zv == 0)
        longjmp(z, 0);
    expect(zv == 1, "longjmp(jb, 0) returns 1", "value %d", zv);

    enum { N = 4 };
    pthread_t t[N];
    int made = 0;
    for (intptr_t i = 0; i < N; i++)
        if (pthread_create(&t[i], 0, worker, (void *)i) == 0)
            made++;
    expect(made == N, "threads started", "%d of %d", made, N);
    int good = 0;
    for (int i = 0; i < made; i++) {
        void *res;
        pthread_join(t[i], &res);
        if ((intptr_t)res == 100 + i)
            good++;
        else
            note("thread %d returned %d", i, (int)(intptr_t)res);
    }
    expect(good == N, "setjmp/longjmp in threads at once", "%d of %d threads right", good, N);
    return check_done();
}
