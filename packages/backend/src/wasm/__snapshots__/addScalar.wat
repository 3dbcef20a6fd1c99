;; addScalar: emitted by @relora/backend; src/wasm/wat-snapshots.test.ts checks it (vitest -u rewrites it).
;; module: 129 bytes, sha256 1f7e34ffff05dd0a66bd740452c9fa7433f5ed0809b837a8457b67d83d309d28
;; with a shared memory (threaded build): 132 bytes, sha256 a9a48c07389315e6af085966caadf7f1b4d8c944bd43cc2d11ccd4b04da11334
(module
  (type (;0;) (func (param i32 i32 i32 f32 f32)))
  (import "env" "memory" (memory (;0;) 0))
  (func $addScalar (export "addScalar") (type 0) (param $x i32) (param $out i32) (param $bytes i32) (param $a f32) (param $b f32)
    (local $offset i32) (local $aSplat v128) (local $bSplat v128)
    local.get $a
    f32x4.splat
    local.set $aSplat
    local.get $b
    f32x4.splat
    local.set $bSplat
    block  ;; label = @1
      loop  ;; label = @2
        local.get $offset
        local.get $bytes
        i32.ge_u
        br_if 1 (;@1;)
        local.get $out
        local.get $offset
        i32.add
        local.get $x
        local.get $offset
        i32.add
        v128.load align=4
        local.get $aSplat
        f32x4.add
        local.get $bSplat
        f32x4.add
        v128.store align=4
        local.get $offset
        i32.const 16
        i32.add
        local.set $offset
        br 0 (;@2;)
      end
    end))
