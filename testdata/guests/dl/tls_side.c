/* libtlsside.so: thread-local data of a library. */
extern int tls_bases[4];

int side_static_int = 1;
_Thread_local int *side_tls_ptr = &side_static_int;
_Thread_local int side_var;

int side_set(int slot, int value) {
    if (side_tls_ptr != &side_static_int)
        return 1;
    tls_bases[slot] = (int)__builtin_wasm_tls_base();
    side_var = value;
    return 0;
}

int side_get(void) { return side_var; }

int *side_var_address(void) { return &side_var; }
