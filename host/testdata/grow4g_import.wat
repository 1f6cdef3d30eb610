;; grow4g_import.wat: grow4g.wat over an imported shared env.memory.
;; Exit 0: grown to 65,535 pages and the next grow failed; 3: the last
;; byte did not hold what was written;
;; 1: a grow to 65,535 failed; 2: the grow past it succeeded.
(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (import "env" "memory" (memory 1 65536 shared))
  (func (export "_start")
    (if (i32.eq (memory.grow (i32.const 65534)) (i32.const -1)) (then (call $exit (i32.const 1))))
    (i32.store8 (i32.const 0xfffeffff) (i32.const 7))
    (if (i32.ne (i32.load8_u (i32.const 0xfffeffff)) (i32.const 7)) (then (call $exit (i32.const 3))))
    (if (i32.ne (memory.grow (i32.const 1)) (i32.const -1)) (then (call $exit (i32.const 2))))
    (call $exit (i32.const 0))))
