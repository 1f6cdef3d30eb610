;; unstable.wat: checks the snapshot 0 layouts of wasi_unstable. With a
;; writable preopen at fd 3 it creates "f", writes 5 bytes, seeks with
;; each of snapshot 0's whence codes (END 1, CUR 0, SET 2), reads the
;; filestat in snapshot 0's 56-byte layout, then polls a 1 ns relative
;; clock with a snapshot 0 subscription. Exit status: 0 if all is well,
;; otherwise the number of the first failed check.
(module
  (import "wasi_unstable" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_unstable" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_unstable" "fd_seek" (func $fd_seek (param i32 i64 i32 i32) (result i32)))
  (import "wasi_unstable" "fd_filestat_get" (func $fd_filestat_get (param i32 i32) (result i32)))
  (import "wasi_unstable" "poll_oneoff" (func $poll_oneoff (param i32 i32 i32 i32) (result i32)))
  (import "wasi_unstable" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  ;; 0: results; 16: "f"; 32: iovec; 48: "hello"; 256: filestat (56 bytes)
  ;; then a sentinel at 312; 512: one subscription (56 bytes); 1024: event
  (data (i32.const 16) "f")
  (data (i32.const 48) "hello")
  (func $fail (param $check i32) (call $proc_exit (local.get $check)))
  (func $start (export "_start")
    (local $fd i32)
    ;; creat|trunc, rights: fd_write (64) | fd_seek (4) | fd_filestat_get (2097152)
    (if (call $path_open (i32.const 3) (i32.const 0) (i32.const 16) (i32.const 1)
          (i32.const 9) (i64.const 2097220) (i64.const 0) (i32.const 0) (i32.const 0))
      (then (call $fail (i32.const 10))))
    (local.set $fd (i32.load (i32.const 0)))
    (i32.store (i32.const 32) (i32.const 48))
    (i32.store (i32.const 36) (i32.const 5))
    (if (call $fd_write (local.get $fd) (i32.const 32) (i32.const 1) (i32.const 0))
      (then (call $fail (i32.const 11))))
    ;; snapshot 0 whence END is 1
    (if (call $fd_seek (local.get $fd) (i64.const -2) (i32.const 1) (i32.const 8))
      (then (call $fail (i32.const 12))))
    (if (i64.ne (i64.load (i32.const 8)) (i64.const 3)) (then (call $fail (i32.const 1))))
    ;; CUR is 0: one forward is 4
    (if (call $fd_seek (local.get $fd) (i64.const 1) (i32.const 0) (i32.const 8))
      (then (call $fail (i32.const 15))))
    (if (i64.ne (i64.load (i32.const 8)) (i64.const 4)) (then (call $fail (i32.const 9))))
    ;; SET is 2: 0 is the start
    (if (call $fd_seek (local.get $fd) (i64.const 0) (i32.const 2) (i32.const 8))
      (then (call $fail (i32.const 16))))
    (if (i64.ne (i64.load (i32.const 8)) (i64.const 0)) (then (call $fail (i32.const 17))))
    (i64.store (i32.const 312) (i64.const 0x5555555555555555))
    (if (call $fd_filestat_get (local.get $fd) (i32.const 256))
      (then (call $fail (i32.const 13))))
    ;; filetype regular (4) at 16, nlink u32 at 20, size u64 at 24
    (if (i32.ne (i32.load8_u (i32.const 272)) (i32.const 4)) (then (call $fail (i32.const 2))))
    (if (i32.ne (i32.load (i32.const 276)) (i32.const 1)) (then (call $fail (i32.const 3))))
    (if (i64.ne (i64.load (i32.const 280)) (i64.const 5)) (then (call $fail (i32.const 4))))
    (if (i64.ne (i64.load (i32.const 312)) (i64.const 0x5555555555555555)) (then (call $fail (i32.const 5))))
    ;; subscription: userdata 42, tag clock (0), identifier at 16,
    ;; clock id monotonic (1) at 24, timeout 1 at 32, precision at 40, flags at 48
    (i64.store (i32.const 512) (i64.const 42))
    (i64.store (i32.const 528) (i64.const 7))
    (i32.store (i32.const 536) (i32.const 1))
    (i64.store (i32.const 544) (i64.const 1))
    (if (call $poll_oneoff (i32.const 512) (i32.const 1024) (i32.const 1) (i32.const 0))
      (then (call $fail (i32.const 14))))
    (if (i32.ne (i32.load (i32.const 0)) (i32.const 1)) (then (call $fail (i32.const 6))))
    (if (i64.ne (i64.load (i32.const 1024)) (i64.const 42)) (then (call $fail (i32.const 7))))
    ;; the guest's subscription is left as it was
    (if (i64.ne (i64.load (i32.const 528)) (i64.const 7)) (then (call $fail (i32.const 8))))))
