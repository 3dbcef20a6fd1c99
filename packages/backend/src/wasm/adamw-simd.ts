// The fused AdamW loop as 128-bit WebAssembly SIMD, running on the wasm backend's own memory.
import { type AdamWUpdateAttrs, adamwConstants } from '../kernels/adamw-update';
import { addTo, bindToHeap, op, T, whileBelow } from './simd-module';

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

// Parameters: 8 i32 (offsets, byte count), then the 7 float32 constants of adamwConstants.
const I = 15; // loop counter (bytes)
const [G, M, MN, VN, P] = [16, 17, 18, 19, 20]; // v128 values of one step
const S = 21; // 7 splatted constants: 21 + k
const at = (base: number) => [...op.localGet(base), ...op.localGet(I), ...op.i32Add];
const load = (base: number) => [...at(base), ...op.v128Load];

// Each f32x4 operation rounds to float32 as one tfjs kernel of the ops path does, in its order
// (see adamwUpdateValues): the results are the same floats.
const body = [
  ...[0, 1, 2, 3, 4, 5, 6].flatMap((k) => [
    ...op.localGet(8 + k),
    ...op.f32x4Splat,
    ...op.localSet(S + k),
  ]),
  ...whileBelow(I, 7, [
    ...[...load(1), ...op.localSet(G), ...load(2), ...op.localSet(M)],
    // m' = m + (g - m) * (1 - b1)
    ...[...op.localGet(M), ...op.localGet(G), ...op.localGet(M), ...op.f32x4Sub],
    ...[...op.localGet(S + 0), ...op.f32x4Mul, ...op.f32x4Add, ...op.localSet(MN)],
    // v' = v * b2 + (g * g) * (1 - b2)
    ...[...load(3), ...op.localGet(S + 1), ...op.f32x4Mul],
    ...[
      ...op.localGet(G),
      ...op.localGet(G),
      ...op.f32x4Mul,
      ...op.localGet(S + 2),
      ...op.f32x4Mul,
    ],
    ...[...op.f32x4Add, ...op.localSet(VN)],
    // p * (1 - lr wd): the factor is exactly 1 without weight decay, and x * 1 = x
    ...[...load(0), ...op.localGet(S + 3), ...op.f32x4Mul, ...op.localSet(P)],
    // p' = p - (m' / (sqrt(v') / sqrt(1 - b2^t) + eps)) * (lr / (1 - b1^t))
    ...[...at(4), ...op.localGet(P), ...op.localGet(MN)],
    ...[...op.localGet(VN), ...op.f32x4Sqrt, ...op.localGet(S + 4), ...op.f32x4Div],
    ...[...op.localGet(S + 5), ...op.f32x4Add, ...op.f32x4Div],
    ...[...op.localGet(S + 6), ...op.f32x4Mul, ...op.f32x4Sub, ...op.v128Store],
    ...[
      ...at(5),
      ...op.localGet(MN),
      ...op.v128Store,
      ...at(6),
      ...op.localGet(VN),
      ...op.v128Store,
    ],
    ...addTo(I, op.i32Const(16)),
  ]),
];

const adamwFunction = {
  name: 'adamw',
  params: [...Array(8).fill(T.i32), ...Array(7).fill(T.f32)],
  locals: [T.i32, ...Array(5 + 7).fill(T.v128)],
  body,
};

/**
 * The SIMD loop bound to the wasm backend's memory (`backend.wasm`, the emscripten module),
 * compiled once per memory; null where WebAssembly SIMD or the memory is unavailable (the kernel
 * then runs the plain JS loop).
 */
export function adamwSimdOf(emscriptenModule: unknown): AdamWSimd | null {
  return bindToHeap<AdamWSimd>(emscriptenModule, adamwFunction);
}

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
