;; matMulPack8: emitted by @relora/backend; src/wasm/wat-snapshots.test.ts checks it (vitest -u rewrites it).
;; module: 169 bytes, sha256 6ddab33506d6c3f48edc45251bf277e2d91bb919f385f31977289a7e031d4bcf
;; with a shared memory (threaded build): 172 bytes, sha256 c26de2a7828ec3ab6d56b495c5919d48f080d25a590ebffcd78832bf89dee70b
(module
  (type (;0;) (func (param i32 i32 i32 i32 i32)))
  (import "env" "memory" (memory (;0;) 0))
  (func $matMulPack8 (export "matMulPack8") (type 0) (param $src i32) (param $dst i32) (param $k i32) (param $srcRowBytes i32) (param $blocks i32)
    (local $block i32) (local $p i32) (local $srcAt i32)
    i32.const 0
    local.set $block
    block  ;; label = @1
      loop  ;; label = @2
        local.get $block
        local.get $blocks
        i32.ge_u
        br_if 1 (;@1;)
        local.get $src
        local.get $block
        i32.const 32
        i32.mul
        i32.add
        local.set $srcAt
        i32.const 0
        local.set $p
        block  ;; label = @3
          loop  ;; label = @4
            local.get $p
            local.get $k
            i32.ge_u
            br_if 1 (;@3;)
            local.get $dst
            local.get $srcAt
            v128.load align=4
            v128.store align=4
            local.get $dst
            local.get $srcAt
            v128.load offset=16 align=4
            v128.store offset=16 align=4
            local.get $srcAt
            local.get $srcRowBytes
            i32.add
            local.set $srcAt
            local.get $dst
            i32.const 32
            i32.add
            local.set $dst
            local.get $p
            i32.const 1
            i32.add
            local.set $p
            br 0 (;@4;)
          end
        end
        local.get $block
        i32.const 1
        i32.add
        local.set $block
        br 0 (;@2;)
      end
    end))
