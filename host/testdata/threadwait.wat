;; threadwait.wat: a main thread blocked for good in memory.atomic.wait32
;; (wait64 with four arguments or more), as in pthread_join or a mutex,
;; while its thread ends the process. The number of arguments picks what
;; the thread does:
;;   1 (none after the name): waits for good too (the process is ended from
;;     outside: a signal, the context, Close)
;;   2: traps (unreachable), so the process ends with a trap
;;   3: calls proc_exit(7)
;;   4: calls proc_exit(7) while the main thread waits with wait64
;; Nothing ever notifies: only the end of the process ends the waits.
(module
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (import "env" "memory" (memory 1 1 shared))

  ;; 0: argc, 4: argv size, 16: the word waited on (0), 24: a 64-bit one.
  (func $mode (result i32) (i32.load (i32.const 0)))

  (func (export "wasi_thread_start") (param $tid i32) (param $arg i32)
    (if (i32.eq (call $mode) (i32.const 2)) (then unreachable))
    (if (i32.ge_u (call $mode) (i32.const 3)) (then (call $exit (i32.const 7))))
    (loop $forever
      (drop (memory.atomic.wait32 (i32.const 16) (i32.const 0) (i64.const -1)))
      (br $forever)))

  (func (export "_start")
    (drop (call $args (i32.const 0) (i32.const 4)))
    (drop (call $spawn (i32.const 0)))
    (if (i32.eq (call $mode) (i32.const 4))
      (then
        (loop $wait64
          (drop (memory.atomic.wait64 (i32.const 24) (i64.const 0) (i64.const -1)))
          (br $wait64))))
    (loop $wait32
      (drop (memory.atomic.wait32 offset=8 (i32.const 8) (i32.const 0) (i64.const -1)))
      (br $wait32))))
