;; rowSumLanes: emitted by @relora/backend; src/wasm/wat-snapshots.test.ts checks it (vitest -u rewrites it).
;; module: 131 bytes, sha256 53e9aeeee79983d66d3ad945b73a9a4f3df441dbe1a73458a6318b865b74b905
;; with a shared memory (threaded build): 134 bytes, sha256 08b5d6fb259c0e585170de234e79f5916326edac2305cbe27f33c6df9c14f906
(module
  (type (;0;) (func (param i32 i32 i32)))
  (import "env" "memory" (memory (;0;) 0))
  (func $rowSumLanes (export "rowSumLanes") (type 0) (param $x i32) (param $out i32) (param $bytes i32)
    (local $offset i32) (local $lanes v128)
    v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
    local.set $lanes
    block  ;; label = @1
      loop  ;; label = @2
        local.get $offset
        local.get $bytes
        i32.ge_u
        br_if 1 (;@1;)
        local.get $lanes
        local.get $x
        local.get $offset
        i32.add
        v128.load align=4
        f32x4.add
        local.set $lanes
        local.get $offset
        i32.const 16
        i32.add
        local.set $offset
        br 0 (;@2;)
      end
    end
    local.get $out
    local.get $lanes
    v128.store align=4))
