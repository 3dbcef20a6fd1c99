;; rmsNormGrad: emitted by @relora/backend; src/wasm/wat-snapshots.test.ts checks it (vitest -u rewrites it).
;; module: 476 bytes, sha256 b1f8b79e1a48eff3f9c893d339695c5c039093ae11f6435f01773b0c0fb3fb61
;; with a shared memory (threaded build): 479 bytes, sha256 3dc09731d0703acce388eed4979b98c85bb8fc6b258f8e954bbe2228be96fa27
(module
  (type (;0;) (func (param i32 i32 i32 i32 i32 i32 i32 i32 f32)))
  (import "env" "memory" (memory (;0;) 0))
  (func $rmsNormGrad (export "rmsNormGrad") (type 0) (param $dy i32) (param $x i32) (param $weight i32) (param $invRms i32) (param $dx i32) (param $dWeight i32) (param $rows i32) (param $rowBytes i32) (param $d f32)
    (local $row i32) (local $offset i32) (local $dyRow i32) (local $xRow i32) (local $dxRow i32) (local $invRmsAt i32) (local $sums v128) (local $g v128) (local $xv v128) (local $rSplat v128) (local $cSplat v128) (local $r f32)
    i32.const 0
    local.set $offset
    block  ;; label = @1
      loop  ;; label = @2
        local.get $offset
        local.get $rowBytes
        i32.ge_u
        br_if 1 (;@1;)
        local.get $dWeight
        local.get $offset
        i32.add
        v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
        v128.store align=4
        local.get $offset
        i32.const 16
        i32.add
        local.set $offset
        br 0 (;@2;)
      end
    end
    local.get $dy
    local.set $dyRow
    local.get $x
    local.set $xRow
    local.get $dx
    local.set $dxRow
    local.get $invRms
    local.set $invRmsAt
    block  ;; label = @1
      loop  ;; label = @2
        local.get $row
        local.get $rows
        i32.ge_u
        br_if 1 (;@1;)
        local.get $invRmsAt
        f32.load
        local.set $r
        local.get $r
        f32x4.splat
        local.set $rSplat
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
            local.get $sums
            local.get $dyRow
            local.get $offset
            i32.add
            v128.load align=4
            local.get $weight
            local.get $offset
            i32.add
            v128.load align=4
            f32x4.mul
            local.get $xRow
            local.get $offset
            i32.add
            v128.load align=4
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
        local.get $r
        local.get $r
        f32.mul
        local.get $r
        f32.mul
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
        f32.mul
        f32x4.splat
        local.set $cSplat
        i32.const 0
        local.set $offset
        block  ;; label = @3
          loop  ;; label = @4
            local.get $offset
            local.get $rowBytes
            i32.ge_u
            br_if 1 (;@3;)
            local.get $dyRow
            local.get $offset
            i32.add
            v128.load align=4
            local.get $weight
            local.get $offset
            i32.add
            v128.load align=4
            f32x4.mul
            local.set $g
            local.get $xRow
            local.get $offset
            i32.add
            v128.load align=4
            local.set $xv
            local.get $dxRow
            local.get $offset
            i32.add
            local.get $g
            local.get $rSplat
            f32x4.mul
            local.get $xv
            local.get $cSplat
            f32x4.mul
            f32x4.sub
            v128.store align=4
            local.get $dWeight
            local.get $offset
            i32.add
            local.get $dWeight
            local.get $offset
            i32.add
            v128.load align=4
            local.get $dyRow
            local.get $offset
            i32.add
            v128.load align=4
            local.get $xv
            local.get $rSplat
            f32x4.mul
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
        local.get $dyRow
        local.get $rowBytes
        i32.add
        local.set $dyRow
        local.get $xRow
        local.get $rowBytes
        i32.add
        local.set $xRow
        local.get $dxRow
        local.get $rowBytes
        i32.add
        local.set $dxRow
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
