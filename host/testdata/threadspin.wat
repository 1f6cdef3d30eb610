;; threadspin.wat: a command whose thread writes to the shared memory
;; forever without calling the host while the main thread blocks reading
;; standard input, for the tests that close the runtime under them.
(module
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
  (import "env" "memory" (memory 1 1 shared))

  (func (export "wasi_thread_start") (param $tid i32) (param $arg i32)
    (local $i i32)
    (loop $forever
      (i32.store (i32.add (i32.const 1024) (i32.and (local.get $i) (i32.const 0xfc))) (local.get $i))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $forever)))

  ;; 0: an iovec of 16 bytes at 64; 8: bytes read.
  (func (export "_start")
    (drop (call $spawn (i32.const 0)))
    (i32.store (i32.const 0) (i32.const 64))
    (i32.store (i32.const 4) (i32.const 16))
    (loop $again
      (drop (call $read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8)))
      (br_if $again (i32.load (i32.const 8))))))
