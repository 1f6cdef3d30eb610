;; trap.wat: a preview1 command that writes a line, then traps in a
;; function two calls deep, for the tests of trap reporting.
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "about to trap\n")
  (func $inner unreachable)
  (func $outer call $inner)
  (func $start (export "_start")
    ;; iovec {ptr 16, len 14} at 0; nwritten at 8
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 14))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
    call $outer))
