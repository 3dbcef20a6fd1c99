// RMSNorm's forward and backward loops as 128-bit WebAssembly SIMD, on the heap in place.
import type { RmsNormDims } from '../kernels/rms-norm';
import { addTo, bindToHeap, op, T, whileBelow } from './simd-module';

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

// Forward. Parameters 0-7 as RmsNormSimd. Locals: row counter, byte counter, the row's x, y and
// invRms addresses, the 4 partial sums, a vector of x, r splatted, r.
const F = { X: 0, W: 1, Y: 2, INV: 3, ROWS: 4, BYTES: 5, D: 6, EPS: 7 };
const [FR, FI, FPX, FPY, FPI, FACC, FV, FRV, FS] = [8, 9, 10, 11, 12, 13, 14, 15, 16];
const forwardBody = [
  ...[...get(F.X), ...set(FPX), ...get(F.Y), ...set(FPY), ...get(F.INV), ...set(FPI)],
  ...overRows(FR, F.ROWS, [
    // 4 partial sums of x² across the row, then combined
    ...[...zeros, ...set(FACC)],
    ...overRow(FI, F.BYTES, [
      ...[...load(FPX, FI), ...set(FV), ...get(FACC), ...get(FV), ...get(FV)],
      ...[...op.f32x4Mul, ...op.f32x4Add, ...set(FACC)],
    ]),
    // r = 1 / sqrt(sum / d + eps), stored as invRms[row]
    ...[...op.f32Const(1), ...lanesSum(FACC), ...get(F.D), ...op.f32Div, ...get(F.EPS)],
    ...[...op.f32Add, ...op.f32Sqrt, ...op.f32Div, ...set(FS)],
    ...[...get(FPI), ...get(FS), ...op.f32Store, ...get(FS), ...op.f32x4Splat, ...set(FRV)],
    // y = (x · r) · w
    ...overRow(FI, F.BYTES, [
      ...[...at(FPY, FI), ...load(FPX, FI), ...get(FRV), ...op.f32x4Mul],
      ...[...load(F.W, FI), ...op.f32x4Mul, ...op.v128Store],
    ]),
    ...[...addTo(FPX, get(F.BYTES)), ...addTo(FPY, get(F.BYTES)), ...addTo(FPI, op.i32Const(4))],
  ]),
];

// Backward. Parameters 0-8 as RmsNormGradSimd. Locals: row counter, byte counter, the row's dy, x,
// dx and invRms addresses; partial sums, g = dy·w, a vector of x, r and c splatted; r.
const B = { DY: 0, X: 1, W: 2, INV: 3, DX: 4, DW: 5, ROWS: 6, BYTES: 7, D: 8 };
const [BR, BI, BPY, BPX, BPD, BPI] = [9, 10, 11, 12, 13, 14];
const [BACC, BG, BXV, BRV, BCV, BS] = [15, 16, 17, 18, 19, 20];
const backwardBody = [
  // dWeight = 0: rows add into it below
  ...overRow(BI, B.BYTES, [...at(B.DW, BI), ...zeros, ...op.v128Store]),
  ...[...get(B.DY), ...set(BPY), ...get(B.X), ...set(BPX)],
  ...[...get(B.DX), ...set(BPD), ...get(B.INV), ...set(BPI)],
  ...overRows(BR, B.ROWS, [
    ...[...get(BPI), ...op.f32Load, ...set(BS), ...get(BS), ...op.f32x4Splat, ...set(BRV)],
    // 4 partial sums of (dy · w) · x across the row
    ...[...zeros, ...set(BACC)],
    ...overRow(BI, B.BYTES, [
      ...[...get(BACC), ...load(BPY, BI), ...load(B.W, BI), ...op.f32x4Mul],
      ...[...load(BPX, BI), ...op.f32x4Mul, ...op.f32x4Add, ...set(BACC)],
    ]),
    // c = r·r·r · (sum / d)
    ...[...get(BS), ...get(BS), ...op.f32Mul, ...get(BS), ...op.f32Mul],
    ...[...lanesSum(BACC), ...get(B.D), ...op.f32Div, ...op.f32Mul, ...op.f32x4Splat, ...set(BCV)],
    ...overRow(BI, B.BYTES, [
      ...[...load(BPY, BI), ...load(B.W, BI), ...op.f32x4Mul, ...set(BG)],
      ...[...load(BPX, BI), ...set(BXV)],
      // dx = g · r - x · c
      ...[...at(BPD, BI), ...get(BG), ...get(BRV), ...op.f32x4Mul],
      ...[...get(BXV), ...get(BCV), ...op.f32x4Mul, ...op.f32x4Sub, ...op.v128Store],
      // dWeight += dy · (x · r)
      ...[...at(B.DW, BI), ...load(B.DW, BI), ...load(BPY, BI), ...get(BXV), ...get(BRV)],
      ...[...op.f32x4Mul, ...op.f32x4Mul, ...op.f32x4Add, ...op.v128Store],
    ]),
    ...[...addTo(BPY, get(B.BYTES)), ...addTo(BPX, get(B.BYTES)), ...addTo(BPD, get(B.BYTES))],
    ...addTo(BPI, op.i32Const(4)),
  ]),
];

const forwardFunction = {
  name: 'rmsNorm',
  params: [...Array(6).fill(T.i32), T.f32, T.f32],
  locals: [...Array(5).fill(T.i32), ...Array(3).fill(T.v128), T.f32],
  body: forwardBody,
};

const backwardFunction = {
  name: 'rmsNormGrad',
  params: [...Array(8).fill(T.i32), T.f32],
  locals: [...Array(6).fill(T.i32), ...Array(5).fill(T.v128), T.f32],
  body: backwardBody,
};

/**
 * The forward loop bound to the wasm backend's memory (`backend.wasm`, the emscripten module),
 * compiled once per memory; null where WebAssembly SIMD or the memory is unavailable (the kernel
 * then runs the JS loop).
 */
export function rmsNormSimdOf(emscriptenModule: unknown): RmsNormSimd | null {
  return bindToHeap<RmsNormSimd>(emscriptenModule, forwardFunction);
}

/** The backward loop, bound as {@link rmsNormSimdOf}. */
export function rmsNormGradSimdOf(emscriptenModule: unknown): RmsNormGradSimd | null {
  return bindToHeap<RmsNormGradSimd>(emscriptenModule, backwardFunction);
}

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
