/*
 * ffi - what libffi on WASIX does, done by hand: reflect_signature and
 * call_dynamic on functions of the main program and of a side module,
 * and closures (closure_allocate, closure_prepare, closure_free) that
 * turn a generic backing function into function pointers of any
 * signature. A -pie main needing libneed.so.
 */
#include <stdint.h>
#include <string.h>
#include <wasi/api.h>
#include <wasi/api_wasix.h>
#include "../c/check.h"

extern int need_twice(int);

__attribute__((noinline)) double mix(int a, long long b, float c, double d) { return a + (double)b + c * d; }

/* The backing function of the closures: arguments and results packed. */
static void backing(uint8_t *args, uint8_t *results, void *user) {
    int32_t a, b;
    memcpy(&a, args, 4);
    memcpy(&b, args + 4, 4);
    int32_t r = a * 10 + b + *(int32_t *)user;
    memcpy(results, &r, 4);
}

static void backing64(uint8_t *args, uint8_t *results, void *user) {
    int64_t a;
    memcpy(&a, args, 8);
    a = a * 3 + (int64_t)(intptr_t)user;
    memcpy(results, &a, 8);
}

int main(void) {
    __wasi_wasm_value_type_t at[8], rt[8];
    __wasi_reflection_result_t info;
    double (*pmix)(int, long long, float, double) = mix;
    __wasi_errno_t e = __wasi_reflect_signature((__wasi_function_pointer_t)(uintptr_t)pmix, at, 8, rt, 8, &info);
    expect(e == 0 && info.arguments == 4 && info.results == 1 && info.cacheable == 1 &&
               at[0] == __WASI_WASM_VALUE_TYPE_I32 && at[1] == __WASI_WASM_VALUE_TYPE_I64 &&
               at[2] == __WASI_WASM_VALUE_TYPE_F32 && at[3] == __WASI_WASM_VALUE_TYPE_F64 &&
               rt[0] == __WASI_WASM_VALUE_TYPE_F64,
           "reflect_signature of a function of the main program", "errno %u args %u results %u", e,
           info.arguments, info.results);
    e = __wasi_reflect_signature((__wasi_function_pointer_t)(uintptr_t)pmix, at, 2, rt, 8, &info);
    expect(e == __WASI_ERRNO_OVERFLOW && info.arguments == 4, "reflect_signature with a short buffer: EOVERFLOW",
           "errno %u", e);

    uint8_t vals[24], res[8];
    int32_t a = 2;
    int64_t b = 40;
    float c = 0.5f;
    double d = 3.0, got = 0;
    memcpy(vals, &a, 4);
    memcpy(vals + 4, &b, 8);
    memcpy(vals + 12, &c, 4);
    memcpy(vals + 16, &d, 8);
    e = __wasi_call_dynamic((__wasi_function_pointer_t)(uintptr_t)pmix, vals, 24, res, 8, __WASI_BOOL_TRUE);
    memcpy(&got, res, 8);
    expect(e == 0 && got == 43.5, "call_dynamic with i32, i64, f32, f64", "errno %u result %d/10", e, (int)(got * 10));
    e = __wasi_call_dynamic((__wasi_function_pointer_t)(uintptr_t)pmix, vals, 20, res, 8, __WASI_BOOL_TRUE);
    expect(e == __WASI_ERRNO_INVAL, "call_dynamic strict with short values: EINVAL", "errno %u", e);

    int (*ptw)(int) = need_twice;
    int32_t x = 21, y = 0;
    e = __wasi_call_dynamic((__wasi_function_pointer_t)(uintptr_t)ptw, (uint8_t *)&x, 4, (uint8_t *)&y, 4,
                            __WASI_BOOL_TRUE);
    expect(e == 0 && y == 42, "call_dynamic of a side module's function", "errno %u result %d", e, y);
    e = __wasi_call_dynamic(999999, vals, 0, res, 0, __WASI_BOOL_FALSE);
    expect(e == __WASI_ERRNO_INVAL, "call_dynamic of a table index without a function: EINVAL", "errno %u", e);

    __wasi_function_pointer_t cl = 0;
    e = __wasi_closure_allocate(&cl);
    expect(e == 0 && cl != 0, "closure_allocate", "errno %u", e);
    static int32_t user = 5;
    __wasi_wasm_value_type_t two_i32[2] = {__WASI_WASM_VALUE_TYPE_I32, __WASI_WASM_VALUE_TYPE_I32};
    e = __wasi_closure_prepare((__wasi_function_pointer_t)(uintptr_t)backing, cl, two_i32, 2, two_i32, 1,
                               (uint8_t *)&user);
    int (*fn)(int, int) = (int (*)(int, int))(uintptr_t)cl;
    expect(e == 0 && fn(4, 2) == 47, "a closure called as a function pointer", "errno %u", e);
    e = __wasi_reflect_signature(cl, at, 8, rt, 8, &info);
    expect(e == 0 && info.arguments == 2 && info.results == 1 && info.cacheable == 0,
           "reflect_signature of a closure: not cacheable", "errno %u", e);
    int32_t ab[2] = {7, 1}, r = 0;
    e = __wasi_call_dynamic(cl, (uint8_t *)ab, 8, (uint8_t *)&r, 4, __WASI_BOOL_TRUE);
    expect(e == 0 && r == 76, "call_dynamic of a closure", "errno %u result %d", e, r);

    __wasi_wasm_value_type_t one_i64[1] = {__WASI_WASM_VALUE_TYPE_I64};
    e = __wasi_closure_prepare((__wasi_function_pointer_t)(uintptr_t)backing64, cl, one_i64, 1, one_i64, 1,
                               (uint8_t *)(intptr_t)9);
    long long (*fn64)(long long) = (long long (*)(long long))(uintptr_t)cl;
    expect(e == 0 && fn64(1LL << 40) == 3 * (1LL << 40) + 9, "closure_prepare again with another signature",
           "errno %u", e);
    e = __wasi_closure_free(cl);
    expect(e == 0, "closure_free", "errno %u", e);
    e = __wasi_reflect_signature(cl, at, 8, rt, 8, &info);
    expect(e == __WASI_ERRNO_INVAL, "a freed closure has no signature", "errno %u", e);
    return check_done();
}
