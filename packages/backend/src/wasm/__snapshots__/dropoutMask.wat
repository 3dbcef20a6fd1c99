;; dropoutMask: emitted by @relora/backend; src/wasm/wat-snapshots.test.ts checks it (vitest -u rewrites it).
;; module: 303 bytes, sha256 da3ee4e5739240fc08ae2c0409189acc9a0c7f39df2c6f2fe5e3d6fc98e9ac2c
;; with a shared memory (threaded build): 306 bytes, sha256 914c6846d166abdbf92f3bebc670c3f68f569c16873f3ca29ab9eb458e1aa3be
(module
  (type (;0;) (func (param i32 i32 i32 i32 i32 i32)))
  (import "env" "memory" (memory (;0;) 0))
  (func $dropoutMask (export "dropoutMask") (type 0) (param $out i32) (param $bytes i32) (param $keyA i32) (param $keyB i32) (param $threshold i32) (param $keptBits i32)
    (local $offset i32) (local $index v128) (local $hash v128) (local $keyAv v128) (local $keyBv v128) (local $thresholdv v128) (local $keptBitsv v128) (local $four v128) (local $golden v128) (local $c1 v128) (local $c2 v128)
    local.get $keyA
    i32x4.splat
    local.set $keyAv
    local.get $keyB
    i32x4.splat
    local.set $keyBv
    local.get $threshold
    i32x4.splat
    local.set $thresholdv
    local.get $keptBits
    i32x4.splat
    local.set $keptBitsv
    i32.const 4
    i32x4.splat
    local.set $four
    i32.const -1640531535
    i32x4.splat
    local.set $golden
    i32.const -2048144789
    i32x4.splat
    local.set $c1
    i32.const -1028477387
    i32x4.splat
    local.set $c2
    v128.const i32x4 0x00000000 0x00000001 0x00000002 0x00000003
    local.set $index
    block  ;; label = @1
      loop  ;; label = @2
        local.get $offset
        local.get $bytes
        i32.ge_u
        br_if 1 (;@1;)
        local.get $index
        local.get $keyAv
        v128.xor
        local.get $golden
        i32x4.mul
        local.get $keyBv
        v128.xor
        local.set $hash
        local.get $hash
        local.get $hash
        i32.const 16
        i32x4.shr_u
        v128.xor
        local.set $hash
        local.get $hash
        local.get $c1
        i32x4.mul
        local.set $hash
        local.get $hash
        local.get $hash
        i32.const 13
        i32x4.shr_u
        v128.xor
        local.set $hash
        local.get $hash
        local.get $c2
        i32x4.mul
        local.set $hash
        local.get $hash
        local.get $hash
        i32.const 16
        i32x4.shr_u
        v128.xor
        local.set $hash
        local.get $out
        local.get $offset
        i32.add
        local.get $keptBitsv
        local.get $hash
        i32.const 1
        i32x4.shr_u
        local.get $thresholdv
        i32x4.sub
        i32.const 31
        i32x4.shr_s
        v128.and
        v128.store align=4
        local.get $index
        local.get $four
        i32x4.add
        local.set $index
        local.get $offset
        i32.const 16
        i32.add
        local.set $offset
        br 0 (;@2;)
      end
    end))
