;; rowMaxLanes: emitted by @relora/backend; src/wasm/wat-snapshots.test.ts checks it (vitest -u rewrites it).
;; module: 131 bytes, sha256 455da624ecee81b4bb204010bcb5a34cbaa8032de2574051d7fdfaffcb19c564
;; with a shared memory (threaded build): 134 bytes, sha256 0880a72dcad9e959690ab312af4db047a8e47f9f1f308869a3d93a3a5b5d89cb
(module
  (type (;0;) (func (param i32 i32 i32)))
  (import "env" "memory" (memory (;0;) 0))
  (func $rowMaxLanes (export "rowMaxLanes") (type 0) (param $x i32) (param $out i32) (param $bytes i32)
    (local $offset i32) (local $lanes v128)
    v128.const i32x4 0xff800000 0xff800000 0xff800000 0xff800000
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
        f32x4.pmax
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
