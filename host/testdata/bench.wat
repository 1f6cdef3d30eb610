;; bench.wat: a preview1 command that makes one host call N times, for the
;; benchmarks against wazero's own wasi_snapshot_preview1.
;;
;;   bench.wasm clock N          clock_time_get(monotonic) N times
;;   bench.wasm write N PATH     open PATH (relative to fd 3), fd_write 1 byte N times
;;   bench.wasm read N PATH      open PATH (relative to fd 3), fd_read 1 byte N times
;;   bench.wasm fwrite N PATH    N times: create PATH, write 64 MiB to it, close it
;;   bench.wasm fread N PATH     N times: open PATH, read it to its end, close it
;;
;; Files move 1 MiB per call.
;;
;; A failing call exits with status 1.
(module
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock_time_get (param i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close" (func $fd_close (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))

  ;; 0: scratch (results); 32: iovec; 64: argc, bufsize; 128: argv[];
  ;; 256: argv strings; 1 MiB at 65536: the data buffer.
  (memory (export "memory") 18)

  (func $check (param $errno i32)
    (if (local.get $errno) (then (call $proc_exit (i32.const 1)))))

  (func $strlen (param $p i32) (result i32)
    (local $n i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (i32.load8_u (i32.add (local.get $p) (local.get $n)))))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br $next)))
    (local.get $n))

  (func $atoi (param $p i32) (result i32)
    (local $n i32) (local $c i32)
    (block $done
      (loop $next
        (local.set $c (i32.load8_u (local.get $p)))
        (br_if $done (i32.lt_u (local.get $c) (i32.const 48)))
        (br_if $done (i32.gt_u (local.get $c) (i32.const 57)))
        (local.set $n (i32.add (i32.mul (local.get $n) (i32.const 10))
                               (i32.sub (local.get $c) (i32.const 48))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $next)))
    (local.get $n))

  ;; open argv[3] relative to fd 3 with the given oflags and rights.
  (func $open (param $oflags i32) (param $rights i64) (result i32)
    (local $path i32)
    (local.set $path (i32.load (i32.const 140)))
    (call $check (call $path_open (i32.const 3) (i32.const 0)
      (local.get $path) (call $strlen (local.get $path))
      (local.get $oflags) (local.get $rights) (i64.const 0) (i32.const 0) (i32.const 0)))
    (i32.load (i32.const 0)))

  (func (export "_start")
    (local $mode i32) (local $n i32) (local $i i32) (local $fd i32)
    (call $check (call $args_sizes_get (i32.const 64) (i32.const 68)))
    (if (i32.lt_u (i32.load (i32.const 64)) (i32.const 3)) (then (call $proc_exit (i32.const 2))))
    (call $check (call $args_get (i32.const 128) (i32.const 256)))
    (local.set $mode (i32.load8_u (i32.load (i32.const 132))))
    (local.set $n (call $atoi (i32.load (i32.const 136))))

    ;; 'c': clock_time_get
    (if (i32.eq (local.get $mode) (i32.const 99)) (then
      (block $done (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (call $check (call $clock_time_get (i32.const 1) (i64.const 0) (i32.const 0)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
      (return)))

    ;; 'w': open for writing (rights fd_write), write one byte N times
    (if (i32.eq (local.get $mode) (i32.const 119)) (then
      (local.set $fd (call $open (i32.const 0) (i64.const 64)))
      (i32.store (i32.const 32) (i32.const 65536))
      (i32.store (i32.const 36) (i32.const 1))
      (block $done (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (call $check (call $fd_write (local.get $fd) (i32.const 32) (i32.const 1) (i32.const 0)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
      (return)))

    ;; 'r': open for reading (rights fd_read), read one byte N times (at the
    ;; end of the file a read still calls the host)
    (if (i32.eq (local.get $mode) (i32.const 114)) (then
      (local.set $fd (call $open (i32.const 0) (i64.const 2)))
      (i32.store (i32.const 32) (i32.const 65536))
      (i32.store (i32.const 36) (i32.const 1))
      (block $done (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (call $check (call $fd_read (local.get $fd) (i32.const 32) (i32.const 1) (i32.const 0)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
      (return)))

    ;; 'f' then 'w' or 'r': 1 MiB at a time
    (i32.store (i32.const 32) (i32.const 65536))
    (i32.store (i32.const 36) (i32.const 1048576))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (if (i32.eq (i32.load8_u offset=1 (i32.load (i32.const 132))) (i32.const 119))
        (then (call $writeFile))
        (else (call $readFile)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $next))))

  ;; create argv[3] and write 64 MiB to it. oflags creat|trunc = 9; rights fd_write.
  (func $writeFile
    (local $fd i32) (local $j i32)
    (local.set $fd (call $open (i32.const 9) (i64.const 64)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $j) (i32.const 64)))
      (call $check (call $fd_write (local.get $fd) (i32.const 32) (i32.const 1) (i32.const 0)))
      (if (i32.ne (i32.load (i32.const 0)) (i32.const 1048576)) (then (call $proc_exit (i32.const 1))))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $next)))
    (call $check (call $fd_close (local.get $fd))))

  ;; read argv[3] to its end. rights fd_read = 2.
  (func $readFile
    (local $fd i32)
    (local.set $fd (call $open (i32.const 0) (i64.const 2)))
    (loop $next
      (call $check (call $fd_read (local.get $fd) (i32.const 32) (i32.const 1) (i32.const 0)))
      (br_if $next (i32.load (i32.const 0))))
    (call $check (call $fd_close (local.get $fd))))
)
