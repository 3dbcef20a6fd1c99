// The dropout mask's hash as 128-bit WebAssembly SIMD, written straight into the output on the heap.
import type { DropoutMaskAttrs } from '@relora/core';
import { Locals } from '../../wasm/locals';
import { addTo, heapBinder, op, whileBelow } from '../../wasm/simd-module';

/**
 * `out`: byte offset of the output on the heap; `bytes`: how many bytes to write (a multiple of
 * 16), element index 0 at `out`; then the attributes as i32.
 */
type DropoutMaskSimd = (
  out: number,
  bytes: number,
  keyA: number,
  keyB: number,
  threshold: number,
  keptBits: number,
) => void;

const slots = new Locals();
const PARAMS = ['out', 'bytes', 'keyA', 'keyB', 'threshold', 'keptBits'] as const;
const [OUT, BYTES, KEY_A, KEY_B, THRESHOLD, KEPT_BITS] = slots.params(...PARAMS);
const I = slots.i32('offset');
const [IDX, H] = slots.v128s('index', 'hash');
// splatted keys and constants, kept in locals rather than rebuilt in the loop
const [KA, KB, TH, KEPT, FOUR, GOLDEN, C1, C2] = slots.v128s(
  'keyAv',
  'keyBv',
  'thresholdv',
  'keptBitsv',
  'four',
  'golden',
  'c1',
  'c2',
);

const splatParam = (param: number, local: number) => [
  ...op.localGet(param),
  ...op.i32x4Splat,
  ...op.localSet(local),
];
const splatConst = (value: number, local: number) => [
  ...op.i32Const(value),
  ...op.i32x4Splat,
  ...op.localSet(local),
];
// h = h ^ (h >>> shift)
const xorShiftRight = (shift: number) => [
  ...op.localGet(H),
  ...op.localGet(H),
  ...op.i32Const(shift),
  ...op.i32x4ShrU,
  ...op.v128Xor,
  ...op.localSet(H),
];
// h = h * c (i32x4.mul keeps the low 32 bits, as Math.imul)
const times = (c: number) => [
  ...op.localGet(H),
  ...op.localGet(c),
  ...op.i32x4Mul,
  ...op.localSet(H),
];

// dropoutMaskBits (kernels/dropout-mask.ts) on 4 lanes: the same wrapping int32 operations.
const body = [
  ...splatParam(KEY_A, KA),
  ...splatParam(KEY_B, KB),
  ...splatParam(THRESHOLD, TH), // 2^31 arrives as -2^31: (h >>> 1) - TH wraps to the same int32 as in JS
  ...splatParam(KEPT_BITS, KEPT),
  ...splatConst(4, FOUR),
  ...splatConst(0x9e3779b1, GOLDEN),
  ...splatConst(0x85ebca6b, C1),
  ...splatConst(0xc2b2ae35, C2),
  ...op.v128ConstI32x4([0, 1, 2, 3]),
  ...op.localSet(IDX),
  ...whileBelow(I, BYTES, [
    // h = (i ^ keyA) * 0x9e3779b1 ^ keyB
    ...[
      ...op.localGet(IDX),
      ...op.localGet(KA),
      ...op.v128Xor,
      ...op.localGet(GOLDEN),
      ...op.i32x4Mul,
    ],
    ...[...op.localGet(KB), ...op.v128Xor, ...op.localSet(H)],
    // murmur3's finaliser
    ...xorShiftRight(16),
    ...times(C1),
    ...xorShiftRight(13),
    ...times(C2),
    ...xorShiftRight(16),
    // out[i] = keptBits & (((h >>> 1) - threshold) >> 31)
    ...[...op.localGet(OUT), ...op.localGet(I), ...op.i32Add],
    ...[...op.localGet(KEPT), ...op.localGet(H), ...op.i32Const(1), ...op.i32x4ShrU],
    ...[...op.localGet(TH), ...op.i32x4Sub, ...op.i32Const(31), ...op.i32x4ShrS, ...op.v128And],
    ...op.v128Store,
    ...[...op.localGet(IDX), ...op.localGet(FOUR), ...op.i32x4Add, ...op.localSet(IDX)],
    ...addTo(I, op.i32Const(16)),
  ]),
];

/** The function {@link dropoutMaskSimdOf} binds. */
export const DROPOUT_MASK_FUNCTION = slots.function('dropoutMask', body);

/**
 * The loop bound to the wasm backend's memory (`backend.wasm`, the emscripten module), compiled
 * once per memory; null where that failed (the kernel then runs the JS loop, which gives the same bits).
 */
export const dropoutMaskSimdOf = heapBinder<DropoutMaskSimd>(DROPOUT_MASK_FUNCTION);

/**
 * Writes elements `0 .. floor(n / 4) * 4 - 1` of the mask into the float32 output at heap byte
 * offset `out`; returns that count (the caller writes the rest).
 */
export function dropoutMaskSimdFill(
  fn: DropoutMaskSimd,
  out: number,
  n: number,
  attrs: DropoutMaskAttrs,
): number {
  const vectorised = n - (n % 4);
  // threshold may be 2^31 (keep everything): pass its int32 bits, as the lanes hold them
  fn(out, vectorised * 4, attrs.keyA, attrs.keyB, attrs.threshold | 0, attrs.keptBits);
  return vectorised;
}
