;; sleep.wat: a command that sleeps for 60 s in poll_oneoff, for the test
;; that cancelling a run ends a program blocked in a host call.
(module
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll_oneoff (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func $start (export "_start")
    ;; subscription at 0: userdata 0, tag clock, monotonic, 60 s relative
    (i32.store (i32.const 16) (i32.const 1))
    (i64.store (i32.const 24) (i64.const 60000000000))
    (drop (call $poll_oneoff (i32.const 0) (i32.const 256) (i32.const 1) (i32.const 512)))))
