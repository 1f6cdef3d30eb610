;; atomicpingpong.wat: two threads pass a token N times (N is argv[1], in
;; decimal) through the program's own memory.atomic.wait32 and notify, as
;; a threads library's mutex and condition variables do. The benchmark of
;; the rewrite of atomic waits into host calls runs it.
(module
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $sizes (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get" (func $args (param i32 i32) (result i32)))
  (import "env" "memory" (memory 1 1 shared))

  ;; 0: argc, 4: argv size, 16: turn, 20: rounds, 24: threads done,
  ;; 64: argv, 256: argv bytes.
  (func $pass (param $me i32)
    (local $i i32) (local $v i32)
    (block $done
      (loop $round
        (br_if $done (i32.ge_u (local.get $i) (i32.load (i32.const 20))))
        (block $mine
          (loop $wait
            (local.set $v (i32.atomic.load (i32.const 16)))
            (br_if $mine (i32.eq (local.get $v) (local.get $me)))
            (drop (memory.atomic.wait32 (i32.const 16) (local.get $v) (i64.const -1)))
            (br $wait)))
        (i32.atomic.store (i32.const 16) (i32.sub (i32.const 1) (local.get $me)))
        (drop (memory.atomic.notify (i32.const 16) (i32.const 1)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $round))))

  (func (export "wasi_thread_start") (param $tid i32) (param $arg i32)
    (call $pass (i32.const 1))
    (i32.atomic.store (i32.const 24) (i32.const 1))
    (drop (memory.atomic.notify (i32.const 24) (i32.const 1))))

  (func (export "_start")
    (local $p i32) (local $n i32) (local $c i32)
    (drop (call $sizes (i32.const 0) (i32.const 4)))
    (drop (call $args (i32.const 64) (i32.const 256)))
    (local.set $p (i32.load (i32.const 68)))
    (block $end
      (loop $digit
        (local.set $c (i32.load8_u (local.get $p)))
        (br_if $end (i32.lt_u (i32.sub (local.get $c) (i32.const 48)) (i32.const 0)))
        (br_if $end (i32.gt_u (i32.sub (local.get $c) (i32.const 48)) (i32.const 9)))
        (local.set $n (i32.add (i32.mul (local.get $n) (i32.const 10)) (i32.sub (local.get $c) (i32.const 48))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $digit)))
    (i32.store (i32.const 20) (local.get $n))
    (drop (call $spawn (i32.const 0)))
    (call $pass (i32.const 0))
    (loop $join
      (if (i32.eqz (i32.atomic.load (i32.const 24)))
        (then
          (drop (memory.atomic.wait32 (i32.const 24) (i32.const 0) (i64.const -1)))
          (br $join))))))
