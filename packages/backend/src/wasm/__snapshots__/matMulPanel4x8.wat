;; matMulPanel4x8: emitted by @relora/backend; src/wasm/wat-snapshots.test.ts checks it (vitest -u rewrites it).
;; module: 831 bytes, sha256 69b2db30816b1f1e41b0d53bac7fcc5a1703777d623c20c6a4a2b2df37dfe68e
;; with a shared memory (threaded build): 834 bytes, sha256 08dc8c1c5c27ab21cf70e14d6123e92127d7f4b149fe0c2e8695b740052643f4
(module
  (type (;0;) (func (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)))
  (import "env" "memory" (memory (;0;) 0))
  (func $matMulPanel4x8 (export "matMulPanel4x8") (type 0) (param $a i32) (param $b i32) (param $out i32) (param $m i32) (param $k i32) (param $n i32) (param $cols i32) (param $bStep i32) (param $bBlock i32) (param $aRowBytes i32) (param $accumulate i32)
    (local $row i32) (local $columnByte i32) (local $p i32) (local $aBlock i32) (local $bColumn i32) (local $outBlock i32) (local $outRowBytes i32) (local $aAt i32) (local $panelBytes i32) (local $bBlockAt i32) (local $acc0 v128) (local $acc1 v128) (local $acc2 v128) (local $acc3 v128) (local $acc4 v128) (local $acc5 v128) (local $acc6 v128) (local $acc7 v128) (local $aSplat0 v128) (local $aSplat1 v128) (local $aSplat2 v128) (local $aSplat3 v128) (local $bv v128)
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
              local.get $bColumn
              local.get $outRowBytes
              i32.const 1
              i32.mul
              i32.add
              v128.load align=4
              local.set $acc2
              local.get $bColumn
              local.get $outRowBytes
              i32.const 1
              i32.mul
              i32.add
              v128.load offset=16 align=4
              local.set $acc3
              local.get $bColumn
              local.get $outRowBytes
              i32.const 2
              i32.mul
              i32.add
              v128.load align=4
              local.set $acc4
              local.get $bColumn
              local.get $outRowBytes
              i32.const 2
              i32.mul
              i32.add
              v128.load offset=16 align=4
              local.set $acc5
              local.get $bColumn
              local.get $outRowBytes
              i32.const 3
              i32.mul
              i32.add
              v128.load align=4
              local.set $acc6
              local.get $bColumn
              local.get $outRowBytes
              i32.const 3
              i32.mul
              i32.add
              v128.load offset=16 align=4
              local.set $acc7
            else
              v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
              local.set $acc0
              v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
              local.set $acc1
              v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
              local.set $acc2
              v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
              local.set $acc3
              v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
              local.set $acc4
              v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
              local.set $acc5
              v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
              local.set $acc6
              v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
              local.set $acc7
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
                local.get $aAt
                local.get $aRowBytes
                i32.const 1
                i32.mul
                i32.add
                v128.load32_splat
                local.set $aSplat1
                local.get $aAt
                local.get $aRowBytes
                i32.const 2
                i32.mul
                i32.add
                v128.load32_splat
                local.set $aSplat2
                local.get $aAt
                local.get $aRowBytes
                i32.const 3
                i32.mul
                i32.add
                v128.load32_splat
                local.set $aSplat3
                local.get $bColumn
                v128.load align=4
                local.set $bv
                local.get $acc0
                local.get $aSplat0
                local.get $bv
                f32x4.mul
                f32x4.add
                local.set $acc0
                local.get $acc2
                local.get $aSplat1
                local.get $bv
                f32x4.mul
                f32x4.add
                local.set $acc2
                local.get $acc4
                local.get $aSplat2
                local.get $bv
                f32x4.mul
                f32x4.add
                local.set $acc4
                local.get $acc6
                local.get $aSplat3
                local.get $bv
                f32x4.mul
                f32x4.add
                local.set $acc6
                local.get $bColumn
                v128.load offset=16 align=4
                local.set $bv
                local.get $acc1
                local.get $aSplat0
                local.get $bv
                f32x4.mul
                f32x4.add
                local.set $acc1
                local.get $acc3
                local.get $aSplat1
                local.get $bv
                f32x4.mul
                f32x4.add
                local.set $acc3
                local.get $acc5
                local.get $aSplat2
                local.get $bv
                f32x4.mul
                f32x4.add
                local.set $acc5
                local.get $acc7
                local.get $aSplat3
                local.get $bv
                f32x4.mul
                f32x4.add
                local.set $acc7
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
            local.get $bColumn
            local.get $outRowBytes
            i32.const 1
            i32.mul
            i32.add
            local.get $acc2
            v128.store align=4
            local.get $bColumn
            local.get $outRowBytes
            i32.const 1
            i32.mul
            i32.add
            local.get $acc3
            v128.store offset=16 align=4
            local.get $bColumn
            local.get $outRowBytes
            i32.const 2
            i32.mul
            i32.add
            local.get $acc4
            v128.store align=4
            local.get $bColumn
            local.get $outRowBytes
            i32.const 2
            i32.mul
            i32.add
            local.get $acc5
            v128.store offset=16 align=4
            local.get $bColumn
            local.get $outRowBytes
            i32.const 3
            i32.mul
            i32.add
            local.get $acc6
            v128.store align=4
            local.get $bColumn
            local.get $outRowBytes
            i32.const 3
            i32.mul
            i32.add
            local.get $acc7
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
        i32.const 4
        i32.mul
        local.get $aBlock
        i32.add
        local.set $aBlock
        local.get $outRowBytes
        i32.const 4
        i32.mul
        local.get $outBlock
        i32.add
        local.set $outBlock
        local.get $row
        i32.const 4
        i32.add
        local.set $row
        br 0 (;@2;)
      end
    end))
