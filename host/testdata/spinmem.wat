;; spinmem.wat: a command that writes to its own memory forever without
;; calling the host, for the test that closing the runtime under it (with
;; compute interrupts off) leaks the memory rather than unmapping it.
(module
  (memory (export "memory") 1)
  (func $start (export "_start")
    (local $i i32)
    (loop $forever
      (i32.store (i32.and (local.get $i) (i32.const 0xfffc)) (local.get $i))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $forever))))
