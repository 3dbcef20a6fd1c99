;; adamw: emitted by @relora/backend; src/wasm/wat-snapshots.test.ts checks it (vitest -u rewrites it).
;; module: 308 bytes, sha256 b3f54aec482b8ee39ee51833cf9451c86598439f9fd5fd89cc7a3bc316a6655d
;; with a shared memory (threaded build): 311 bytes, sha256 546364c5b99d6503e3c9daa09bd957bfaf66e51c4323b24d850616785da53afd
(module
  (type (;0;) (func (param i32 i32 i32 i32 i32 i32 i32 i32 f32 f32 f32 f32 f32 f32 f32)))
  (import "env" "memory" (memory (;0;) 0))
  (func $adamw (export "adamw") (type 0) (param $param i32) (param $grad i32) (param $m i32) (param $v i32) (param $paramOut i32) (param $mOut i32) (param $vOut i32) (param $bytes i32) (param $c0 f32) (param $c1 f32) (param $c2 f32) (param $c3 f32) (param $c4 f32) (param $c5 f32) (param $c6 f32)
    (local $offset i32) (local $gv v128) (local $mv v128) (local $mNext v128) (local $vNext v128) (local $pDecayed v128) (local $splat0 v128) (local $splat1 v128) (local $splat2 v128) (local $splat3 v128) (local $splat4 v128) (local $splat5 v128) (local $splat6 v128)
    local.get $c0
    f32x4.splat
    local.set $splat0
    local.get $c1
    f32x4.splat
    local.set $splat1
    local.get $c2
    f32x4.splat
    local.set $splat2
    local.get $c3
    f32x4.splat
    local.set $splat3
    local.get $c4
    f32x4.splat
    local.set $splat4
    local.get $c5
    f32x4.splat
    local.set $splat5
    local.get $c6
    f32x4.splat
    local.set $splat6
    block  ;; label = @1
      loop  ;; label = @2
        local.get $offset
        local.get $bytes
        i32.ge_u
        br_if 1 (;@1;)
        local.get $grad
        local.get $offset
        i32.add
        v128.load align=4
        local.set $gv
        local.get $m
        local.get $offset
        i32.add
        v128.load align=4
        local.set $mv
        local.get $mv
        local.get $gv
        local.get $mv
        f32x4.sub
        local.get $splat0
        f32x4.mul
        f32x4.add
        local.set $mNext
        local.get $v
        local.get $offset
        i32.add
        v128.load align=4
        local.get $splat1
        f32x4.mul
        local.get $gv
        local.get $gv
        f32x4.mul
        local.get $splat2
        f32x4.mul
        f32x4.add
        local.set $vNext
        local.get $param
        local.get $offset
        i32.add
        v128.load align=4
        local.get $splat3
        f32x4.mul
        local.set $pDecayed
        local.get $paramOut
        local.get $offset
        i32.add
        local.get $pDecayed
        local.get $mNext
        local.get $vNext
        f32x4.sqrt
        local.get $splat4
        f32x4.div
        local.get $splat5
        f32x4.add
        f32x4.div
        local.get $splat6
        f32x4.mul
        f32x4.sub
        v128.store align=4
        local.get $mOut
        local.get $offset
        i32.add
        local.get $mNext
        v128.store align=4
        local.get $vOut
        local.get $offset
        i32.add
        local.get $vNext
        v128.store align=4
        local.get $offset
        i32.const 16
        i32.add
        local.set $offset
        br 0 (;@2;)
      end
    end))
