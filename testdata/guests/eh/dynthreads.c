/*
 * dynthreads - threads in a -pie program: each thread calls its libraries
 * directly and through pointers, has its own thread-local data of a side
 * module (libtls.so), and a library that one thread dlopens is usable
 * from the main thread, from a thread already running, and from threads
 * started later.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include "../c/check.h"

extern int need_twice(int);
extern int tls_bump(void);
extern int *tls_where(void);

static int (*volatile plug)(int);
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int loaded;

static void *basic(void *arg) {
    intptr_t id = (intptr_t)arg;
    int (*f)(int) = need_twice;
    int ok = need_twice((int)id) == 2 * id && f(3) == 6;
    int a = tls_bump(), b = tls_bump();
    ok = ok && a == 101 && b == 102 && *tls_where() == 102;
    return (void *)(intptr_t)ok;
}

static void *opener(void *arg) {
    void *h = dlopen("libplug.so", RTLD_NOW);
    if (!h)
        return (void *)0;
    int (*pv)(int) = (int (*)(int))dlsym(h, "plug_value");
    if (!pv || pv(1) != 202)
        return (void *)0;
    pthread_mutex_lock(&mu);
    plug = pv;
    loaded = 1;
    pthread_cond_broadcast(&cv);
    pthread_mutex_unlock(&mu);
    return (void *)1;
}

static void *waiter(void *arg) {
    pthread_mutex_lock(&mu);
    while (!loaded)
        pthread_cond_wait(&cv, &mu);
    pthread_mutex_unlock(&mu);
    return (void *)(intptr_t)(plug(2) == 204);
}

int main(void) {
    enum { N = 4 };
    pthread_t t[N];
    for (intptr_t i = 0; i < N; i++)
        pthread_create(&t[i], 0, basic, (void *)i);
    int good = 0;
    for (int i = 0; i < N; i++) {
        void *r;
        pthread_join(t[i], &r);
        good += (int)(intptr_t)r;
    }
    expect(good == N, "threads call libraries and have their own thread-local data", "%d of %d", good, N);
    int m1 = tls_bump();
    expect(m1 == 101, "the main thread's thread-local data is its own", "got %d", m1);

    pthread_t w, o;
    pthread_create(&w, 0, waiter, 0);
    pthread_create(&o, 0, opener, 0);
    void *ro, *rw;
    pthread_join(o, &ro);
    pthread_join(w, &rw);
    expect(ro == (void *)1, "dlopen and dlsym in a thread", "");
    expect(rw == (void *)1, "a library a thread loaded is usable from a thread already running", "");
    expect(plug && plug(3) == 206, "... and from the main thread", "");
    pthread_t l;
    pthread_create(&l, 0, waiter, 0);
    pthread_join(l, &rw);
    expect(rw == (void *)1, "... and from a thread started later", "");
    return check_done();
}
