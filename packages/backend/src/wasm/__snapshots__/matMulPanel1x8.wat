;; matMulPanel1x8: emitted by @relora/backend; src/wasm/wat-snapshots.test.ts checks it (vitest -u rewrites it).
;; module: 399 bytes, sha256 48f35cb83edee37a8197695d482c9e53fa2faf53df0ff19020ecc2a71cf3935c
;; with a shared memory (threaded build): 402 bytes, sha256 7e79764029e990249d5c1451dac84a3d8f54038cd391d31414cbba712ac9a691
(module
  (type (;0;) (func (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)))
  (import "env" "memory" (memory (;0;) 0))
  (func $matMulPanel1x8 (export "matMulPanel1x8") (type 0) (param $a i32) (param $b i32) (param $out i32) (param $m i32) (param $k i32) (param $n i32) (param $cols i32) (param $bStep i32) (param $bBlock i32) (param $aRowBytes i32) (param $accumulate i32)
    (local $row i32) (local $columnByte i32) (local $p i32) (local $aBlock i32) (local $bColumn i32) (local $outBlock i32) (local $outRowBytes i32) (local $aAt i32) (local $panelBytes i32) (local $bBlockAt i32) (local $acc0 v128) (local $acc1 v128) (local $aSplat0 v128) (local $bv v128)
    local.get $n
    i32.const 4
    i32.mul
    local.set $outRowBytes
    local.get $cols
    i32.const 4
    i32.mul
    local.set $panelBytes
    local.get $a
    local.set $aBlock
    local.get $out
    local.set $outBlock
    i32.const 0
    local.set $row
    block  ;; label = @1
      loop  ;; label = @2
        local.get $row
        local.get $m
        i32.ge_u
        br_if 1 (;@1;)
        i32.const 0
        local.set $columnByte
        local.get $b
        local.set $bBlockAt
        block  ;; label = @3
          loop  ;; label = @4
            local.get $columnByte
            local.get $panelBytes
            i32.ge_u
            br_if 1 (;@3;)
            local.get $outBlock
            local.get $columnByte
            i32.add
            local.set $bColumn
            local.get $accumulate
            if  ;; label = @5
              local.get $bColumn
              v128.load align=4
              local.set $acc0
              local.get $bColumn
              v128.load offset=16 align=4
              local.set $acc1
            else
              v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
              local.set $acc0
              v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
              local.set $acc1
            end
            local.get $bBlockAt
            local.set $bColumn
            local.get $aBlock
            local.set $aAt
            i32.const 0
            local.set $p
            block  ;; label = @5
              loop  ;; label = @6
                local.get $p
                local.get $k
                i32.ge_u
                br_if 1 (;@5;)
                local.get $aAt
                v128.load32_splat
                local.set $aSplat0
                local.get $bColumn
                v128.load align=4
                local.set $bv
                local.get $acc0
                local.get $aSplat0
                local.get $bv
                f32x4.mul
                f32x4.add
                local.set $acc0
                local.get $bColumn
                v128.load offset=16 align=4
                local.set $bv
                local.get $acc1
                local.get $aSplat0
                local.get $bv
                f32x4.mul
                f32x4.add
                local.set $acc1
                local.get $bColumn
                local.get $bStep
                i32.add
                local.set $bColumn
                local.get $aAt
                i32.const 4
                i32.add
                local.set $aAt
                local.get $p
                i32.const 1
                i32.add
                local.set $p
                br 0 (;@6;)
              end
            end
            local.get $outBlock
            local.get $columnByte
            i32.add
            local.set $bColumn
            local.get $bColumn
            local.get $acc0
            v128.store align=4
            local.get $bColumn
            local.get $acc1
            v128.store offset=16 align=4
            local.get $bBlockAt
            local.get $bBlock
            i32.add
            local.set $bBlockAt
            local.get $columnByte
            i32.const 32
            i32.add
            local.set $columnByte
            br 0 (;@4;)
          end
        end
        local.get $aRowBytes
        i32.const 1
        i32.mul
        local.get $aBlock
        i32.add
        local.set $aBlock
        local.get $outRowBytes
        i32.const 1
        i32.mul
        local.get $outBlock
        i32.add
        local.set $outBlock
        local.get $row
        i32.const 1
        i32.add
        local.set $row
        br 0 (;@2;)
      end
    end))
