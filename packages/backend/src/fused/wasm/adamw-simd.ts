// The fused AdamW loop as 128-bit WebAssembly SIMD, running on the wasm backend's own memory.
import { type AdamWUpdateAttrs, adamwConstants } from '@relora/core';
import { Locals } from '../../wasm/locals';
import { addTo, heapBinder, op, T, whileBelow } from '../../wasm/simd-module';

/** Byte offsets into the heap; `bytes`: how many bytes of each array to update (a multiple of 16). */
type AdamWSimd = (
  param: number,
  grad: number,
  m: number,
  v: number,
  paramOut: number,
  mOut: number,
  vOut: number,
  bytes: number,
  ...constants: number[]
) => void;

const slots = new Locals();
const PARAMS = ['param', 'grad', 'm', 'v', 'paramOut', 'mOut', 'vOut', 'bytes'] as const;
const [PARAM, GRAD, M_IN, V_IN, PARAM_OUT, M_OUT, V_OUT, BYTES] = slots.params(...PARAMS);
// the 7 float32 constants of adamwConstants, in its order: C + k
const C = slots.paramRun('c', 7, T.f32);
const I = slots.i32('offset');
const [G, M, MN, VN, P] = slots.v128s('gv', 'mv', 'mNext', 'vNext', 'pDecayed');
// constant k splatted: S + k
const S = slots.v128Run('splat', 7);
const at = (base: number) => [...op.localGet(base), ...op.localGet(I), ...op.i32Add];
const load = (base: number) => [...at(base), ...op.v128Load];

// Each f32x4 operation rounds to float32 as one tfjs kernel of the ops path does, in its order
// (see adamwUpdateValues): the results are the same floats.
const body = [
  ...[0, 1, 2, 3, 4, 5, 6].flatMap((k) => [
    ...op.localGet(C + k),
    ...op.f32x4Splat,
    ...op.localSet(S + k),
  ]),
  ...whileBelow(I, BYTES, [
    ...[...load(GRAD), ...op.localSet(G), ...load(M_IN), ...op.localSet(M)],
    // m' = m + (g - m) * (1 - b1)
    ...[...op.localGet(M), ...op.localGet(G), ...op.localGet(M), ...op.f32x4Sub],
    ...[...op.localGet(S + 0), ...op.f32x4Mul, ...op.f32x4Add, ...op.localSet(MN)],
    // v' = v * b2 + (g * g) * (1 - b2)
    ...[...load(V_IN), ...op.localGet(S + 1), ...op.f32x4Mul],
    ...[
      ...op.localGet(G),
      ...op.localGet(G),
      ...op.f32x4Mul,
      ...op.localGet(S + 2),
      ...op.f32x4Mul,
    ],
    ...[...op.f32x4Add, ...op.localSet(VN)],
    // p * (1 - lr wd): the factor is exactly 1 without weight decay, and x * 1 = x
    ...[...load(PARAM), ...op.localGet(S + 3), ...op.f32x4Mul, ...op.localSet(P)],
    // p' = p - (m' / (sqrt(v') / sqrt(1 - b2^t) + eps)) * (lr / (1 - b1^t))
    ...[...at(PARAM_OUT), ...op.localGet(P), ...op.localGet(MN)],
    ...[...op.localGet(VN), ...op.f32x4Sqrt, ...op.localGet(S + 4), ...op.f32x4Div],
    ...[...op.localGet(S + 5), ...op.f32x4Add, ...op.f32x4Div],
    ...[...op.localGet(S + 6), ...op.f32x4Mul, ...op.f32x4Sub, ...op.v128Store],
    ...[
      ...at(M_OUT),
      ...op.localGet(MN),
      ...op.v128Store,
      ...at(V_OUT),
      ...op.localGet(VN),
      ...op.v128Store,
    ],
    ...addTo(I, op.i32Const(16)),
  ]),
];

/** The function {@link adamwSimdOf} binds. */
export const ADAMW_FUNCTION = slots.function('adamw', body);

/**
 * The loop bound to the wasm backend's memory (`backend.wasm`, the emscripten module), compiled
 * once per memory; null where that failed (the kernel then runs the JS loop).
 */
export const adamwSimdOf = heapBinder<AdamWSimd>(ADAMW_FUNCTION);

/** Runs the update on `floor(n / 4) * 4` elements at the given heap byte offsets; returns that count. */
export function adamwSimdUpdate(
  fn: AdamWSimd,
  offsets: {
    param: number;
    grad: number;
    m: number;
    v: number;
    paramOut: number;
    mOut: number;
    vOut: number;
  },
  n: number,
  attrs: AdamWUpdateAttrs,
): number {
  const vectorised = n - (n % 4);
  const c = adamwConstants(attrs);
  const o = offsets;
  fn(o.param, o.grad, o.m, o.v, o.paramOut, o.mOut, o.vOut, vectorised * 4, ...c);
  return vectorised;
}
