;; exp: emitted by @relora/backend; src/wasm/wat-snapshots.test.ts checks it (vitest -u rewrites it).
;; module: 674 bytes, sha256 6ce21fce4f78c1fd434ae6a40ca00c02f329bd7005d339d9fcad819e2e95b86d
;; with a shared memory (threaded build): 677 bytes, sha256 66ee6300cb741f2b3d952c560fb1f0d31f0a50b2ea86f91590c019517f0fa904
(module
  (type (;0;) (func (param i32 i32 i32)))
  (import "env" "memory" (memory (;0;) 0))
  (func $exp (export "exp") (type 0) (param $x i32) (param $out i32) (param $bytes i32)
    (local $offset i32) (local $x4 v128) (local $n4 v128) (local $r4 v128) (local $y4 v128) (local $nTop v128) (local $c0 v128) (local $c1 v128) (local $c2 v128) (local $c3 v128) (local $c4 v128) (local $c5 v128) (local $c6 v128) (local $c7 v128) (local $c8 v128) (local $c9 v128) (local $c10 v128) (local $c11 v128) (local $c12 v128) (local $c13 v128) (local $c14 v128) (local $c15 v128) (local $c16 v128)
    v128.const i32x4 0xc2aeac4f 0xc2aeac4f 0xc2aeac4f 0xc2aeac4f
    local.set $c0
    v128.const i32x4 0x42b17218 0x42b17218 0x42b17218 0x42b17218
    local.set $c1
    v128.const i32x4 0x3fb8aa3b 0x3fb8aa3b 0x3fb8aa3b 0x3fb8aa3b
    local.set $c2
    v128.const i32x4 0x3f318000 0x3f318000 0x3f318000 0x3f318000
    local.set $c3
    v128.const i32x4 0xb95e8083 0xb95e8083 0xb95e8083 0xb95e8083
    local.set $c4
    v128.const i32x4 0x39506967 0x39506967 0x39506967 0x39506967
    local.set $c5
    v128.const i32x4 0x3ab743ce 0x3ab743ce 0x3ab743ce 0x3ab743ce
    local.set $c6
    v128.const i32x4 0x3c088908 0x3c088908 0x3c088908 0x3c088908
    local.set $c7
    v128.const i32x4 0x3d2aa9c1 0x3d2aa9c1 0x3d2aa9c1 0x3d2aa9c1
    local.set $c8
    v128.const i32x4 0x3e2aaaaa 0x3e2aaaaa 0x3e2aaaaa 0x3e2aaaaa
    local.set $c9
    v128.const i32x4 0x3f000000 0x3f000000 0x3f000000 0x3f000000
    local.set $c10
    v128.const i32x4 0x3f800000 0x3f800000 0x3f800000 0x3f800000
    local.set $c11
    v128.const i32x4 0x42b0c0a5 0x42b0c0a5 0x42b0c0a5 0x42b0c0a5
    local.set $c12
    v128.const i32x4 0x4b00007f 0x4b00007f 0x4b00007f 0x4b00007f
    local.set $c13
    v128.const i32x4 0x4b000000 0x4b000000 0x4b000000 0x4b000000
    local.set $c14
    v128.const i32x4 0x40000000 0x40000000 0x40000000 0x40000000
    local.set $c15
    v128.const i32x4 0x7f800000 0x7f800000 0x7f800000 0x7f800000
    local.set $c16
    block  ;; label = @1
      loop  ;; label = @2
        local.get $offset
        local.get $bytes
        i32.ge_u
        br_if 1 (;@1;)
        local.get $x
        local.get $offset
        i32.add
        v128.load align=4
        local.set $x4
        local.get $x4
        local.get $c0
        f32x4.pmax
        local.get $c1
        f32x4.pmin
        local.set $r4
        local.get $r4
        local.get $c2
        f32x4.mul
        f32x4.nearest
        local.set $n4
        local.get $r4
        local.get $n4
        local.get $c3
        f32x4.mul
        f32x4.sub
        local.get $n4
        local.get $c4
        f32x4.mul
        f32x4.sub
        local.set $r4
        local.get $c5
        local.get $r4
        f32x4.mul
        local.get $c6
        f32x4.add
        local.get $r4
        f32x4.mul
        local.get $c7
        f32x4.add
        local.get $r4
        f32x4.mul
        local.get $c8
        f32x4.add
        local.get $r4
        f32x4.mul
        local.get $c9
        f32x4.add
        local.get $r4
        f32x4.mul
        local.get $c10
        f32x4.add
        local.get $r4
        local.get $r4
        f32x4.mul
        f32x4.mul
        local.get $r4
        f32x4.add
        local.get $c11
        f32x4.add
        local.set $y4
        local.get $x4
        local.get $c12
        f32x4.gt
        local.set $nTop
        local.get $y4
        local.get $n4
        local.get $c13
        f32x4.add
        local.get $c14
        i32x4.sub
        local.get $nTop
        i32x4.add
        i32.const 23
        i32x4.shl
        f32x4.mul
        local.get $c15
        local.get $c11
        local.get $nTop
        v128.bitselect
        f32x4.mul
        local.set $y4
        local.get $out
        local.get $offset
        i32.add
        local.get $c16
        local.get $y4
        local.get $x4
        local.get $c1
        f32x4.gt
        v128.bitselect
        local.get $x4
        local.get $c0
        f32x4.lt
        v128.andnot
        v128.store align=4
        local.get $offset
        i32.const 16
        i32.add
        local.set $offset
        br 0 (;@2;)
      end
    end))
