;; spin.wat: a command that computes forever without calling the host, for
;; the test that cancelling a run's context ends it.
(module
  (memory (export "memory") 1)
  (func $start (export "_start")
    (loop $forever (br $forever))))
