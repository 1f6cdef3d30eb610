/* threads: pthread_create and pthread_join with results, a mutex held
 * across many increments, a condition variable, thread-local storage. */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#include "tap.h"

#define NTHREADS 4
#define NITER 20000

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static long counter;
static int ready;
static _Thread_local int tls_value;

static void *worker(void *arg) {
    intptr_t id = (intptr_t)arg;
    tls_value = (int)id;
    for (int i = 0; i < NITER; i++) {
        pthread_mutex_lock(&mu);
        counter++;
        pthread_mutex_unlock(&mu);
    }
    return (void *)(intptr_t)(tls_value * 100);
}

static void *waiter(void *arg) {
    (void)arg;
    pthread_mutex_lock(&mu);
    while (!ready)
        pthread_cond_wait(&cv, &mu);
    pthread_mutex_unlock(&mu);
    return (void *)7;
}

int main(void) {
    pthread_t t[NTHREADS];
    tls_value = 99;
    for (intptr_t i = 0; i < NTHREADS; i++)
        check(pthread_create(&t[i], NULL, worker, (void *)(i + 1)) == 0, "pthread_create %d", (int)i + 1);
    int results = 1;
    for (int i = 0; i < NTHREADS; i++) {
        void *r = NULL;
        check(pthread_join(t[i], &r) == 0, "pthread_join %d", i + 1);
        results &= (intptr_t)r == (i + 1) * 100;
    }
    check(results, "each thread returned its own thread-local value x100");
    check_eq(counter, (long)NTHREADS * NITER, "the mutex kept every increment");
    check_eq(tls_value, 99, "the main thread's thread-local is its own");

    pthread_t w;
    check(pthread_create(&w, NULL, waiter, NULL) == 0, "create a waiter");
    usleep(20000);
    pthread_mutex_lock(&mu);
    ready = 1;
    pthread_cond_signal(&cv);
    pthread_mutex_unlock(&mu);
    void *r = NULL;
    check(pthread_join(w, &r) == 0 && r == (void *)7, "the waiter woke on the condition and returned 7");

    /* trylock on a held mutex */
    pthread_mutex_lock(&mu);
    check_eq(pthread_mutex_trylock(&mu), EBUSY, "trylock on a held mutex: EBUSY");
    pthread_mutex_unlock(&mu);
    check_eq(pthread_mutex_trylock(&mu), 0, "trylock on a free one succeeds");
    pthread_mutex_unlock(&mu);

    /* a detached thread and pthread_self */
    check(pthread_equal(pthread_self(), pthread_self()), "pthread_self is stable");
    return tap_done();
}
