;; rotary: emitted by @relora/backend; src/wasm/wat-snapshots.test.ts checks it (vitest -u rewrites it).
;; module: 299 bytes, sha256 9ab20dd63ba5c8a401b716713aa099e6730f142b8c73d6f347bcd918c254c8f0
;; with a shared memory (threaded build): 302 bytes, sha256 efbbbef378ff8161a9296cda7a89af2b62837a6cb3a4b4788455c4163a4bac6c
(module
  (type (;0;) (func (param i32 i32 i32 i32 i32 i32 i32 i32)))
  (import "env" "memory" (memory (;0;) 0))
  (func $rotary (export "rotary") (type 0) (param $x i32) (param $cos i32) (param $sin i32) (param $out i32) (param $rows i32) (param $heads i32) (param $seq i32) (param $halfBytes i32)
    (local $row i32) (local $rowBytes i32) (local $xRow i32) (local $outRow i32) (local $cosRow i32) (local $sinRow i32) (local $offset i32) (local $lower v128) (local $upper v128)
    local.get $halfBytes
    local.get $halfBytes
    i32.add
    local.set $rowBytes
    local.get $x
    local.set $xRow
    local.get $out
    local.set $outRow
    block  ;; label = @1
      loop  ;; label = @2
        local.get $row
        local.get $rows
        i32.ge_u
        br_if 1 (;@1;)
        local.get $row
        local.get $heads
        i32.div_u
        local.get $seq
        i32.rem_u
        local.get $rowBytes
        i32.mul
        local.set $cosRow
        local.get $sin
        local.get $cosRow
        i32.add
        local.set $sinRow
        local.get $cosRow
        local.get $cos
        i32.add
        local.set $cosRow
        i32.const 0
        local.set $offset
        block  ;; label = @3
          loop  ;; label = @4
            local.get $offset
            local.get $halfBytes
            i32.ge_u
            br_if 1 (;@3;)
            local.get $xRow
            local.get $offset
            i32.add
            v128.load align=4
            local.set $lower
            local.get $xRow
            local.get $offset
            i32.add
            local.get $halfBytes
            i32.add
            v128.load align=4
            local.set $upper
            local.get $outRow
            local.get $offset
            i32.add
            local.get $lower
            local.get $cosRow
            local.get $offset
            i32.add
            v128.load align=4
            f32x4.mul
            local.get $upper
            local.get $sinRow
            local.get $offset
            i32.add
            v128.load align=4
            f32x4.mul
            f32x4.add
            v128.store align=4
            local.get $outRow
            local.get $offset
            i32.add
            local.get $halfBytes
            i32.add
            local.get $upper
            local.get $cosRow
            local.get $offset
            i32.add
            local.get $halfBytes
            i32.add
            v128.load align=4
            f32x4.mul
            local.get $lower
            local.get $sinRow
            local.get $offset
            i32.add
            local.get $halfBytes
            i32.add
            v128.load align=4
            f32x4.mul
            f32x4.add
            v128.store align=4
            local.get $offset
            i32.const 16
            i32.add
            local.set $offset
            br 0 (;@4;)
          end
        end
        local.get $xRow
        local.get $rowBytes
        i32.add
        local.set $xRow
        local.get $outRow
        local.get $rowBytes
        i32.add
        local.set $outRow
        local.get $row
        i32.const 1
        i32.add
        local.set $row
        br 0 (;@2;)
      end
    end))
