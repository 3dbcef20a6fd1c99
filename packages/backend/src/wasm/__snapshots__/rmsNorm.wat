;; rmsNorm: emitted by @relora/backend; src/wasm/wat-snapshots.test.ts checks it (vitest -u rewrites it).
;; module: 320 bytes, sha256 04402dc05aaaf81c16cd82da18a7c7b5762ed41650cbb9a7da9a149aaa27e06f
;; with a shared memory (threaded build): 323 bytes, sha256 c41592fa4f84ceb73906b06d089d41ab6ece50a02ca136092323e85e573d9041
(module
  (type (;0;) (func (param i32 i32 i32 i32 i32 i32 f32 f32)))
  (import "env" "memory" (memory (;0;) 0))
  (func $rmsNorm (export "rmsNorm") (type 0) (param $x i32) (param $weight i32) (param $y i32) (param $invRms i32) (param $rows i32) (param $rowBytes i32) (param $d f32) (param $epsilon f32)
    (local $row i32) (local $offset i32) (local $xRow i32) (local $yRow i32) (local $invRmsAt i32) (local $sums v128) (local $xv v128) (local $rSplat v128) (local $r f32)
    local.get $x
    local.set $xRow
    local.get $y
    local.set $yRow
    local.get $invRms
    local.set $invRmsAt
    block  ;; label = @1
      loop  ;; label = @2
        local.get $row
        local.get $rows
        i32.ge_u
        br_if 1 (;@1;)
        v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
        local.set $sums
        i32.const 0
        local.set $offset
        block  ;; label = @3
          loop  ;; label = @4
            local.get $offset
            local.get $rowBytes
            i32.ge_u
            br_if 1 (;@3;)
            local.get $xRow
            local.get $offset
            i32.add
            v128.load align=4
            local.set $xv
            local.get $sums
            local.get $xv
            local.get $xv
            f32x4.mul
            f32x4.add
            local.set $sums
            local.get $offset
            i32.const 16
            i32.add
            local.set $offset
            br 0 (;@4;)
          end
        end
        f32.const 0x1p+0 (;=1;)
        local.get $sums
        f32x4.extract_lane 0
        local.get $sums
        f32x4.extract_lane 1
        f32.add
        local.get $sums
        f32x4.extract_lane 2
        local.get $sums
        f32x4.extract_lane 3
        f32.add
        f32.add
        local.get $d
        f32.div
        local.get $epsilon
        f32.add
        f32.sqrt
        f32.div
        local.set $r
        local.get $invRmsAt
        local.get $r
        f32.store
        local.get $r
        f32x4.splat
        local.set $rSplat
        i32.const 0
        local.set $offset
        block  ;; label = @3
          loop  ;; label = @4
            local.get $offset
            local.get $rowBytes
            i32.ge_u
            br_if 1 (;@3;)
            local.get $yRow
            local.get $offset
            i32.add
            local.get $xRow
            local.get $offset
            i32.add
            v128.load align=4
            local.get $rSplat
            f32x4.mul
            local.get $weight
            local.get $offset
            i32.add
            v128.load align=4
            f32x4.mul
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
        local.get $yRow
        local.get $rowBytes
        i32.add
        local.set $yRow
        local.get $invRmsAt
        i32.const 4
        i32.add
        local.set $invRmsAt
        local.get $row
        i32.const 1
        i32.add
        local.set $row
        br 0 (;@2;)
      end
    end))
