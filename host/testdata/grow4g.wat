;; grow4g.wat: grows its memory to the last page the runtime allows
;; (65,535: a memory of 65,536 pages traps on every access in wazero),
;; writes its last byte, and checks that one more page is refused.
;; Exit 0: grown to 65,535 pages and the next grow failed; 1: a grow to
;; 65,535 failed; 2: the grow past it succeeded; 3: the last byte did not
;; hold what was written.
(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory 1 65536)
  (func (export "_start")
    (if (i32.eq (memory.grow (i32.const 65534)) (i32.const -1)) (then (call $exit (i32.const 1))))
    (i32.store8 (i32.const 0xfffeffff) (i32.const 7))
    (if (i32.ne (i32.load8_u (i32.const 0xfffeffff)) (i32.const 7)) (then (call $exit (i32.const 3))))
    (if (i32.ne (memory.grow (i32.const 1)) (i32.const -1)) (then (call $exit (i32.const 2))))
    (call $exit (i32.const 0))))
