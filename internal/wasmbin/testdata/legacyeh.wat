;; legacyeh.wat: functions in the legacy exception-handling encoding (try,
;; catch, catch_all, rethrow, delegate) for the tests of TranslateLegacyEH.
;; Each export returns a number the test checks against what the legacy
;; semantics give (and V8, which runs this encoding, gives).
;;   wat2wasm --enable-exceptions legacyeh.wat -o legacyeh.wasm &&
;;   sha256sum legacyeh.wat | cut -d" " -f1 > legacyeh.wat.sha256
(module
  (tag $e0)
  (tag $e1 (param i32))
  (tag $e2 (param i32 i64))
  (type $i32_to_i32 (func (param i32) (result i32)))

  (func $throw1 (param i32)
    local.get 0
    throw $e1)

  ;; a catch receives the tag's value: arg + 100
  (func (export "catch_value") (param i32) (result i32)
    try (result i32)
      local.get 0
      call $throw1
      i32.const -1
    catch $e1
      i32.const 100
      i32.add
    end)

  ;; a catch of two values, and no exception: arg 0 gives 3*1000+40, else 9
  (func (export "catch_multi") (param i32) (result i64)
    (local $v i64)
    try (result i64)
      local.get 0
      if
        i64.const 9
        return
      end
      i32.const 3
      i64.const 40
      throw $e2
    catch $e1
      i64.extend_i32_u
    catch $e2
      local.set $v
      i64.extend_i32_u
      i64.const 1000
      i64.mul
      local.get $v
      i64.add
    end)

  ;; catch_all takes what no catch takes: 0 throws $e1 (caught: 7+10),
  ;; 1 throws $e0 (catch_all: 2), 2 throws nothing (5)
  (func (export "catch_all") (param i32) (result i32)
    try (result i32)
      block
        block
          block
            local.get 0
            br_table 0 1 2
          end
          i32.const 7
          call $throw1
        end
        throw $e0
      end
      i32.const 5
    catch $e1
      i32.const 10
      i32.add
    catch $e2
      drop
      drop
      i32.const 99
    catch_all
      i32.const 2
    end)

  ;; nested trys: the inner one takes $e0 only, so $e1 reaches the outer
  ;; one (arg + 20); with arg 0 the inner one throws $e0 and catches it (1)
  (func (export "nested") (param i32) (result i32)
    try (result i32)
      try (result i32)
        local.get 0
        i32.eqz
        if
          throw $e0
        end
        local.get 0
        call $throw1
        i32.const -1
      catch $e0
        i32.const 1
      end
    catch $e1
      i32.const 20
      i32.add
    end)

  ;; rethrow 1 from a catch inside a catch rethrows the outer catch's
  ;; exception ($e1 of arg), not the inner one's ($e0): arg + 1000
  (func (export "rethrow_outer") (param i32) (result i32)
    try (result i32)
      try (result i32)
        local.get 0
        call $throw1
        i32.const -1
      catch $e1
        drop
        try (result i32)
          throw $e0
        catch $e0
          rethrow 1
        end
      end
    catch $e1
      i32.const 1000
      i32.add
    catch_all
      i32.const -2
    end)

  ;; rethrow from catch_all keeps the exception's values: arg + 2000
  (func (export "rethrow_all") (param i32) (result i32)
    try (result i32)
      try
        local.get 0
        call $throw1
      catch_all
        i32.const 0
        drop
        rethrow 0
      end
      i32.const -1
    catch $e1
      i32.const 2000
      i32.add
    end)

  ;; delegate 1 passes the exception over the middle try's catch to the
  ;; outer one: arg + 200 (the middle catch would add 100)
  (func (export "delegate_outer") (param i32) (result i32)
    try (result i32)
      try (result i32)
        try (result i32)
          local.get 0
          call $throw1
          i32.const -1
        delegate 1
      catch $e1
        i32.const 100
        i32.add
      end
    catch $e1
      i32.const 200
      i32.add
    end)

  ;; delegate to a block inside a try goes to that try's catches: arg + 300
  (func (export "delegate_block") (param i32) (result i32)
    try (result i32)
      block (result i32)
        try (result i32)
          local.get 0
          call $throw1
          i32.const -1
        delegate 0
      end
    catch $e1
      i32.const 300
      i32.add
    end)

  ;; delegate from inside a catch to that catch's try goes further out,
  ;; the try's catches being no longer active: arg + 400
  (func (export "delegate_from_catch") (param i32) (result i32)
    try (result i32)
      try (result i32)
        throw $e0
      catch $e0
        try (result i32)
          local.get 0
          call $throw1
          i32.const -1
        delegate 0
      catch $e1
        i32.const 50
        i32.add
      end
    catch $e1
      i32.const 400
      i32.add
    end)

  ;; delegate to the caller passes over the function's own catch
  (func $delegate_to_caller (param i32) (result i32)
    try (result i32)
      try (result i32)
        local.get 0
        call $throw1
        i32.const -1
      delegate 1
    catch $e1
      i32.const 100
      i32.add
    end)

  ;; the caller catches it: arg + 500
  (func (export "delegate_caller") (param i32) (result i32)
    try (result i32)
      local.get 0
      call $delegate_to_caller
    catch $e1
      i32.const 500
      i32.add
    end)

  ;; a delegate to a try that itself delegates: arg + 600
  (func (export "delegate_chain") (param i32) (result i32)
    try (result i32)
      try (result i32)
        try (result i32)
          try (result i32)
            local.get 0
            call $throw1
            i32.const -1
          delegate 0
        delegate 1
      catch $e1
        i32.const 100
        i32.add
      end
    catch $e1
      i32.const 600
      i32.add
    end)

  ;; a try with a parameter, delegated to, with a catch of values:
  ;; arg 0 throws $e1 7 in the inner try (7 + 700), else returns arg*2
  (func (export "try_params") (param i32) (result i32)
    local.get 0
    try (param i32) (result i32)
      try (param i32) (result i32)
        local.tee 0
        local.get 0
        i32.eqz
        if
          i32.const 7
          call $throw1
        end
        local.get 0
        i32.add
      delegate 0
    catch $e1
      i32.const 700
      i32.add
    end)

  ;; branches out of a try body, out of a catch, and to the try's own
  ;; label from a catch: 0 -> 11 (br out of the body), 1 -> 22 (br_table
  ;; from the catch to the try's label), 2 -> 33 (br from the catch past
  ;; the try), 3 -> 44 (the catch's own end)
  (func (export "branches") (param i32) (result i32)
    block $out (result i32)
      try $t (result i32)
        i32.const 11
        local.get 0
        i32.eqz
        br_if $out
        drop
        local.get 0
        call $throw1
        i32.const -1
      catch $e1
        local.tee 0
        i32.const 1
        i32.eq
        if
          i32.const 22
          i32.const 0
          br_table $t $out
        end
        local.get 0
        i32.const 2
        i32.eq
        if
          i32.const 33
          br $out
        end
        i32.const 44
      end
      i32.const 1
      i32.add
    end
    i32.const 1
    i32.sub)

  ;; a loop whose try catches arg exceptions thrown by a callee: counts them
  (func (export "loop_count") (param i32) (result i32)
    (local $n i32)
    loop $again
      try
        local.get 0
        call $throw1
      catch $e1
        drop
        local.get $n
        i32.const 1
        i32.add
        local.set $n
      end
      local.get 0
      i32.const 1
      i32.sub
      local.tee 0
      br_if $again
    end
    local.get $n)

  ;; a try without catches lets the exception through; one that catches
  ;; another tag too: the exception leaves the function
  (func (export "uncaught") (param i32) (result i32)
    try (result i32)
      try (result i32)
        local.get 0
        call $throw1
        i32.const -1
      end
    catch $e0
      i32.const -2
    end)

  ;; a delegate in a catch_all that rethrows, and a delegate target with
  ;; a try of two results: arg + 800 + 1
  (func (export "mixed") (param i32) (result i32)
    try (result i32 i32)
      try (result i32)
        local.get 0
        call $throw1
        i32.const -1
      catch_all
        try
          rethrow 1
        delegate 1
        i32.const -1
      end
      i32.const 1
    catch $e1
      i32.const 800
      i32.add
      i32.const 1
    end
    i32.add)
)
