// The rotary kernel's loop as 128-bit WebAssembly SIMD, reading and writing the heap in place.

import { Locals } from '../../wasm/locals';
import { addTo, heapBinder, op, whileBelow } from '../../wasm/simd-module';
import type { RotaryArgs } from '../rotary-args';

/**
 * Byte offsets of x, cos, sin and the output on the heap; `rows` rows of x (batch · seq · heads);
 * `heads` and `seq` to find each row's table row; `halfBytes`: half a row in bytes (a multiple of 16).
 */
type RotarySimd = (
  x: number,
  cos: number,
  sin: number,
  out: number,
  rows: number,
  heads: number,
  seq: number,
  halfBytes: number,
) => void;

const slots = new Locals();
const PARAMS = ['x', 'cos', 'sin', 'out', 'rows', 'heads', 'seq', 'halfBytes'] as const;
const [X, C, S, O, ROWS, HEADS, SEQ, HALF] = slots.params(...PARAMS);
const [R, ROW, PX, PO, PC, PS, I] = slots.i32s(
  'row',
  'rowBytes',
  'xRow',
  'outRow',
  'cosRow',
  'sinRow',
  'offset',
);
// 4 lanes of x from each half of the row
const [A, B] = slots.v128s('lower', 'upper');

// base + i (+ half)
const at = (base: number, upper = false) => [
  ...op.localGet(base),
  ...op.localGet(I),
  ...op.i32Add,
  ...(upper ? [...op.localGet(HALF), ...op.i32Add] : []),
];
const load = (base: number, upper = false) => [...at(base, upper), ...op.v128Load];

// rotaryValues (kernels/rotary.ts) on 4 lanes: f32x4.mul rounds each product to float32 and
// f32x4.add the sum, as Math.fround and the Float32Array store do there: the same floats.
const body = [
  ...[...op.localGet(HALF), ...op.localGet(HALF), ...op.i32Add, ...op.localSet(ROW)],
  ...[...op.localGet(X), ...op.localSet(PX), ...op.localGet(O), ...op.localSet(PO)],
  ...whileBelow(R, ROWS, [
    // the table row t = floor(r / heads) % seq, at byte t · row of cos and sin
    ...[...op.localGet(R), ...op.localGet(HEADS), ...op.i32DivU, ...op.localGet(SEQ)],
    ...[...op.i32RemU, ...op.localGet(ROW), ...op.i32Mul, ...op.localSet(PC)],
    ...[...op.localGet(S), ...op.localGet(PC), ...op.i32Add, ...op.localSet(PS)],
    ...addTo(PC, op.localGet(C)),
    ...[...op.i32Const(0), ...op.localSet(I)],
    ...whileBelow(I, HALF, [
      ...[...load(PX), ...op.localSet(A), ...load(PX, true), ...op.localSet(B)],
      // out[i] = x[i]·cos[i] + x[half + i]·sin[i]
      ...[...at(PO), ...op.localGet(A), ...load(PC), ...op.f32x4Mul],
      ...[...op.localGet(B), ...load(PS), ...op.f32x4Mul, ...op.f32x4Add, ...op.v128Store],
      // out[half + i] = x[half + i]·cos[half + i] + x[i]·sin[half + i]
      ...[...at(PO, true), ...op.localGet(B), ...load(PC, true), ...op.f32x4Mul],
      ...[...op.localGet(A), ...load(PS, true), ...op.f32x4Mul, ...op.f32x4Add, ...op.v128Store],
      ...addTo(I, op.i32Const(16)),
    ]),
    ...addTo(PX, op.localGet(ROW)),
    ...addTo(PO, op.localGet(ROW)),
    ...addTo(R, op.i32Const(1)),
  ]),
];

/** The function {@link rotarySimdOf} binds. */
export const ROTARY_FUNCTION = slots.function('rotary', body);

/**
 * The loop bound to the wasm backend's memory (`backend.wasm`, the emscripten module), compiled
 * once per memory; null where that failed (the kernel then runs the JS loop, which gives the same bits).
 */
export const rotarySimdOf = heapBinder<RotarySimd>(ROTARY_FUNCTION);

/**
 * Runs the rotation at the given heap byte offsets if half a row is a whole number of 4-lane
 * vectors (head dims 8, 16, 32, 64, 128, ...); returns false otherwise (the caller runs the JS loop).
 */
export function rotarySimdApply(
  fn: RotarySimd,
  offsets: { x: number; cos: number; sin: number; out: number },
  { batch, seq, heads, headDim }: RotaryArgs['dims'],
): boolean {
  const half = headDim / 2;
  if (half % 4 !== 0) return false;
  const rows = batch * seq * heads;
  if (rows > 0) fn(offsets.x, offsets.cos, offsets.sin, offsets.out, rows, heads, seq, half * 4);
  return true;
}
