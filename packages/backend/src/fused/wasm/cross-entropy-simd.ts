// The cross-entropy kernels' row passes as 128-bit WebAssembly SIMD on the heap: the lanes of a
// row's max and sum (JS reduces the 4 lanes), and x + c; the exp between them is exp-simd.ts.
import { Locals } from '../../wasm/locals';
import { addTo, heapBinder, op, T, whileBelow } from '../../wasm/simd-module';

/** Four lanes at heap byte offset `out`, each the max (or sum) of every 4th float32 of `bytes` bytes (a multiple of 16) from x. */
export type LanesReduceSimd = (x: number, out: number, bytes: number) => void;

/**
 * out[i] = (x[i] + a) + b in float32 for `bytes` bytes (a multiple of 16) from heap byte offsets x
 * and out. Two adds: with a = −logSumExp the first is exact where x is near logSumExp (Sterbenz),
 * so a large logit loses nothing to the rounding of a + b.
 */
export type AddScalarSimd = (x: number, out: number, bytes: number, a: number, b: number) => void;

const get = op.localGet;
const set = op.localSet;

// acc = start; for (i = 0; i < bytes; i += 16) acc = combine(acc, x[i..i+16]); out[0..16] = acc
function lanesReduce(name: string, start: number[], combine: number[]) {
  const slots = new Locals();
  const [X, O, BYTES] = slots.params('x', 'out', 'bytes');
  const I = slots.i32('offset');
  const ACC = slots.v128('lanes');
  return slots.function(name, [
    ...start,
    ...set(ACC),
    ...whileBelow(I, BYTES, [
      ...[...get(ACC), ...get(X), ...get(I), ...op.i32Add, ...op.v128Load, ...combine, ...set(ACC)],
      ...addTo(I, op.i32Const(16)),
    ]),
    ...[...get(O), ...get(ACC), ...op.v128Store],
  ]);
}

/** The function {@link rowMaxSimdOf} binds: pmax (a NaN logit is passed over, as JS's `>` does). */
export const ROW_MAX_FUNCTION = lanesReduce(
  'rowMaxLanes',
  op.v128ConstF32x4(Number.NEGATIVE_INFINITY),
  op.f32x4Pmax,
);

/** The function {@link rowSumSimdOf} binds. */
export const ROW_SUM_FUNCTION = lanesReduce(
  'rowSumLanes',
  op.v128ConstI32x4([0, 0, 0, 0]),
  op.f32x4Add,
);

const addSlots = new Locals();
const [AX, AO, ABYTES] = addSlots.params('x', 'out', 'bytes');
const AA = addSlots.param('a', T.f32);
const AB = addSlots.param('b', T.f32);
const AI = addSlots.i32('offset');
const [ASPLAT, BSPLAT] = addSlots.v128s('aSplat', 'bSplat');

/** The function {@link addScalarSimdOf} binds. */
export const ADD_SCALAR_FUNCTION = addSlots.function('addScalar', [
  ...[...get(AA), ...op.f32x4Splat, ...set(ASPLAT), ...get(AB), ...op.f32x4Splat, ...set(BSPLAT)],
  ...whileBelow(AI, ABYTES, [
    ...[...get(AO), ...get(AI), ...op.i32Add],
    ...[...get(AX), ...get(AI), ...op.i32Add, ...op.v128Load, ...get(ASPLAT), ...op.f32x4Add],
    ...[...get(BSPLAT), ...op.f32x4Add],
    ...op.v128Store,
    ...addTo(AI, op.i32Const(16)),
  ]),
]);

export const rowMaxSimdOf = heapBinder<LanesReduceSimd>(ROW_MAX_FUNCTION);
export const rowSumSimdOf = heapBinder<LanesReduceSimd>(ROW_SUM_FUNCTION);
export const addScalarSimdOf = heapBinder<AddScalarSimd>(ADD_SCALAR_FUNCTION);
