// RMSNorm's forward and backward loops as 128-bit WebAssembly SIMD, on the heap in place.
import type { RmsNormDims } from '@relora/core';
import { Locals } from '../../wasm/locals';
import { addTo, heapBinder, op, T, whileBelow } from '../../wasm/simd-module';

/** Byte offsets of x, weight, y and invRms; `rows` rows of `rowBytes` (a multiple of 16); d; epsilon. */
type RmsNormSimd = (
  x: number,
  weight: number,
  y: number,
  invRms: number,
  rows: number,
  rowBytes: number,
  d: number,
  epsilon: number,
) => void;

/** Byte offsets of dy, x, weight, invRms, dx and dWeight; then rows, rowBytes and d as above. */
type RmsNormGradSimd = (
  dy: number,
  x: number,
  weight: number,
  invRms: number,
  dx: number,
  dWeight: number,
  rows: number,
  rowBytes: number,
  d: number,
) => void;

const get = op.localGet;
const set = op.localSet;
// base + i, with i the byte counter within a row (local `i`)
const at = (base: number, i: number) => [...get(base), ...get(i), ...op.i32Add];
const load = (base: number, i: number) => [...at(base, i), ...op.v128Load];
const zeros = op.v128ConstI32x4([0, 0, 0, 0]);
// for (i = 0; i < bytes; i += 16) { body }
const overRow = (i: number, bytes: number, body: number[]) => [
  ...op.i32Const(0),
  ...set(i),
  ...whileBelow(i, bytes, [...body, ...addTo(i, op.i32Const(16))]),
];
// for (r = 0; r < rows; r++) { body }, r starting at 0 (locals start at 0)
const overRows = (r: number, rows: number, body: number[]) =>
  whileBelow(r, rows, [...body, ...addTo(r, op.i32Const(1))]);
// the 4 lanes of a v128 local summed as (l0 + l1) + (l2 + l3), an f32 on the stack
const lanesSum = (v: number) => [
  ...[...get(v), ...op.f32x4ExtractLane(0), ...get(v), ...op.f32x4ExtractLane(1), ...op.f32Add],
  ...[...get(v), ...op.f32x4ExtractLane(2), ...get(v), ...op.f32x4ExtractLane(3), ...op.f32Add],
  ...op.f32Add,
];

const fwd = new Locals();
const FWD_PARAMS = ['x', 'weight', 'y', 'invRms', 'rows', 'rowBytes'] as const;
const [FX, FW, FY, FINV, FROWS, FBYTES] = fwd.params(...FWD_PARAMS);
const FD = fwd.param('d', T.f32);
const FEPS = fwd.param('epsilon', T.f32);
const [FR, FI, FPX, FPY, FPI] = fwd.i32s('row', 'offset', 'xRow', 'yRow', 'invRmsAt');
const [FACC, FV, FRV] = fwd.v128s('sums', 'xv', 'rSplat');
const FS = fwd.f32('r');
const forwardBody = [
  ...[...get(FX), ...set(FPX), ...get(FY), ...set(FPY), ...get(FINV), ...set(FPI)],
  ...overRows(FR, FROWS, [
    // 4 partial sums of x² across the row, then combined
    ...[...zeros, ...set(FACC)],
    ...overRow(FI, FBYTES, [
      ...[...load(FPX, FI), ...set(FV), ...get(FACC), ...get(FV), ...get(FV)],
      ...[...op.f32x4Mul, ...op.f32x4Add, ...set(FACC)],
    ]),
    // r = 1 / sqrt(sum / d + eps), stored as invRms[row]
    ...[...op.f32Const(1), ...lanesSum(FACC), ...get(FD), ...op.f32Div, ...get(FEPS)],
    ...[...op.f32Add, ...op.f32Sqrt, ...op.f32Div, ...set(FS)],
    ...[...get(FPI), ...get(FS), ...op.f32Store, ...get(FS), ...op.f32x4Splat, ...set(FRV)],
    // y = (x · r) · w
    ...overRow(FI, FBYTES, [
      ...[...at(FPY, FI), ...load(FPX, FI), ...get(FRV), ...op.f32x4Mul],
      ...[...load(FW, FI), ...op.f32x4Mul, ...op.v128Store],
    ]),
    ...[...addTo(FPX, get(FBYTES)), ...addTo(FPY, get(FBYTES)), ...addTo(FPI, op.i32Const(4))],
  ]),
];

const bwd = new Locals();
const BWD_PARAMS = ['dy', 'x', 'weight', 'invRms', 'dx', 'dWeight', 'rows', 'rowBytes'] as const;
const [BDY, BX, BW, BINV, BDX, BDW, BROWS, BBYTES] = bwd.params(...BWD_PARAMS);
const BD = bwd.param('d', T.f32);
const [BR, BI, BPY, BPX, BPD, BPI] = bwd.i32s(
  'row',
  'offset',
  'dyRow',
  'xRow',
  'dxRow',
  'invRmsAt',
);
// g = dy·w
const [BACC, BG, BXV, BRV, BCV] = bwd.v128s('sums', 'g', 'xv', 'rSplat', 'cSplat');
const BS = bwd.f32('r');
const backwardBody = [
  // dWeight = 0: rows add into it below
  ...overRow(BI, BBYTES, [...at(BDW, BI), ...zeros, ...op.v128Store]),
  ...[...get(BDY), ...set(BPY), ...get(BX), ...set(BPX)],
  ...[...get(BDX), ...set(BPD), ...get(BINV), ...set(BPI)],
  ...overRows(BR, BROWS, [
    ...[...get(BPI), ...op.f32Load, ...set(BS), ...get(BS), ...op.f32x4Splat, ...set(BRV)],
    // 4 partial sums of (dy · w) · x across the row
    ...[...zeros, ...set(BACC)],
    ...overRow(BI, BBYTES, [
      ...[...get(BACC), ...load(BPY, BI), ...load(BW, BI), ...op.f32x4Mul],
      ...[...load(BPX, BI), ...op.f32x4Mul, ...op.f32x4Add, ...set(BACC)],
    ]),
    // c = r·r·r · (sum / d)
    ...[...get(BS), ...get(BS), ...op.f32Mul, ...get(BS), ...op.f32Mul],
    ...[...lanesSum(BACC), ...get(BD), ...op.f32Div, ...op.f32Mul, ...op.f32x4Splat, ...set(BCV)],
    ...overRow(BI, BBYTES, [
      ...[...load(BPY, BI), ...load(BW, BI), ...op.f32x4Mul, ...set(BG)],
      ...[...load(BPX, BI), ...set(BXV)],
      // dx = g · r - x · c
      ...[...at(BPD, BI), ...get(BG), ...get(BRV), ...op.f32x4Mul],
      ...[...get(BXV), ...get(BCV), ...op.f32x4Mul, ...op.f32x4Sub, ...op.v128Store],
      // dWeight += dy · (x · r)
      ...[...at(BDW, BI), ...load(BDW, BI), ...load(BPY, BI), ...get(BXV), ...get(BRV)],
      ...[...op.f32x4Mul, ...op.f32x4Mul, ...op.f32x4Add, ...op.v128Store],
    ]),
    ...[...addTo(BPY, get(BBYTES)), ...addTo(BPX, get(BBYTES)), ...addTo(BPD, get(BBYTES))],
    ...addTo(BPI, op.i32Const(4)),
  ]),
];

/** The functions {@link rmsNormSimdOf} and {@link rmsNormGradSimdOf} bind. */
export const RMS_NORM_FUNCTION = fwd.function('rmsNorm', forwardBody);
export const RMS_NORM_GRAD_FUNCTION = bwd.function('rmsNormGrad', backwardBody);

/**
 * The loop bound to the wasm backend's memory (`backend.wasm`, the emscripten module), compiled
 * once per memory; null where that failed (the kernel then runs the JS loop).
 */
export const rmsNormSimdOf = heapBinder<RmsNormSimd>(RMS_NORM_FUNCTION);

/** The backward loop, bound as {@link rmsNormSimdOf}. */
export const rmsNormGradSimdOf = heapBinder<RmsNormGradSimd>(RMS_NORM_GRAD_FUNCTION);

/**
 * Runs the forward loop at the given heap byte offsets if d is a multiple of 4; returns false
 * otherwise (the caller runs the JS loop).
 */
export function rmsNormSimdApply(
  fn: RmsNormSimd,
  o: { x: number; weight: number; y: number; invRms: number },
  { rows, d }: RmsNormDims,
  epsilon: number,
): boolean {
  if (d % 4 !== 0) return false;
  if (rows > 0) fn(o.x, o.weight, o.y, o.invRms, rows, d * 4, d, epsilon);
  return true;
}

/**
 * Runs the backward loop at the given heap byte offsets if d is a multiple of 4 (with 0 rows it
 * still zeroes dWeight); returns false otherwise (the caller runs the JS loop).
 */
export function rmsNormGradSimdApply(
  fn: RmsNormGradSimd,
  o: { dy: number; x: number; weight: number; invRms: number; dx: number; dWeight: number },
  { rows, d }: RmsNormDims,
): boolean {
  if (d % 4 !== 0) return false;
  fn(o.dy, o.x, o.weight, o.invRms, o.dx, o.dWeight, rows, d * 4, d);
  return true;
}
