;; wasi_threads.wat - the wasi-threads proposal's spawn: wasi.thread-spawn
;; enters wasi_thread_start(tid, start_arg) in a new instance.
;;
;; The module also has what a thread instance must not redo: an active data
;; segment and a start function without a guard. The main thread overwrites
;; the segment's bytes and the start function counts its runs; both must be
;; left alone by the threads. Exit status: 0 when all is well, else the
;; number of the failed check.
(module
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (import "env" "memory" (memory 1 1 shared))

  ;; 16: threads done; 32..47: tid seen by thread n; 48..63: tid from spawn;
  ;; 64: runs of the start function; 1024: the data segment.
  (data (i32.const 1024) "init")

  (func $init
    (i32.store (i32.const 64) (i32.add (i32.load (i32.const 64)) (i32.const 1))))
  (start $init)

  (func (export "wasi_thread_start") (param $tid i32) (param $arg i32)
    (i32.store (i32.add (i32.const 32) (i32.shl (local.get $arg) (i32.const 2))) (local.get $tid))
    (drop (i32.atomic.rmw.add (i32.const 16) (i32.const 1)))
    (drop (memory.atomic.notify (i32.const 16) (i32.const 1))))

  (func $check (param $ok i32) (param $code i32)
    (if (i32.eqz (local.get $ok)) (then (call $exit (local.get $code)) (unreachable))))

  (func (export "_start")
    (local $i i32) (local $n i32) (local $t i32) (local $j i32)
    (i32.store (i32.const 1024) (i32.const 0x58585858)) ;; "XXXX"
    (loop $spawn_all
      (local.set $t (call $spawn (local.get $i)))
      (call $check (i32.gt_s (local.get $t) (i32.const 0)) (i32.const 10))
      (i32.store (i32.add (i32.const 48) (i32.shl (local.get $i) (i32.const 2))) (local.get $t))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $spawn_all (i32.lt_u (local.get $i) (i32.const 4))))
    ;; wait for the four
    (block $done
      (loop $wait
        (local.set $n (i32.atomic.load (i32.const 16)))
        (br_if $done (i32.ge_u (local.get $n) (i32.const 4)))
        (drop (memory.atomic.wait32 (i32.const 16) (local.get $n) (i64.const 1000000000)))
        (br $wait)))
    (call $check (i32.eq (i32.load (i32.const 64)) (i32.const 1)) (i32.const 11))
    (call $check (i32.eq (i32.load (i32.const 1024)) (i32.const 0x58585858)) (i32.const 12))
    ;; each thread saw the tid spawn returned, and the tids differ
    (local.set $i (i32.const 0))
    (loop $each
      (local.set $t (i32.load (i32.add (i32.const 48) (i32.shl (local.get $i) (i32.const 2)))))
      (call $check (i32.eq (local.get $t)
        (i32.load (i32.add (i32.const 32) (i32.shl (local.get $i) (i32.const 2))))) (i32.const 13))
      (local.set $j (i32.const 0))
      (block $inner_done
        (loop $inner
          (br_if $inner_done (i32.ge_u (local.get $j) (local.get $i)))
          (call $check (i32.ne (local.get $t)
            (i32.load (i32.add (i32.const 48) (i32.shl (local.get $j) (i32.const 2))))) (i32.const 14))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br $inner)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $each (i32.lt_u (local.get $i) (i32.const 4))))
    (call $exit (i32.const 0))))
