// exp over float32 as a 128-bit WebAssembly SIMD loop on the heap: tfjs-backend-wasm 4.22's Exp
// is a scalar loop, and a LM's cross-entropy takes exp of every logit (batch · seq · vocab).
import { Locals } from '../wasm/locals';
import { addTo, heapBinder, op, whileBelow } from '../wasm/simd-module';

/** out[i] = exp(x[i]) for `bytes` bytes (a multiple of 16) from heap byte offsets x and out. */
export type ExpSimd = (x: number, out: number, bytes: number) => void;

// Cephes' expf (S. L. Moshier, Cephes Math Library, expf.c): exp(x) = 2^n · e^r with
// n = round(x · log2 e), r = x − n·ln 2 in two parts (C1 exact in float32, so r is exact), and
// e^r ≈ 1 + r + r²·P(r) on |r| <= ln 2 / 2. Within 2 ulp of the exact value (the test checks).
const LOG2E = Math.LOG2E;
const C1 = 0.693359375;
const C2 = -2.1219444e-4;
const P = [
  1.98756915e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1,
  5.0000001201e-1,
];
// Past ln(2^128) exp overflows to +inf; below ln(2^-126) the result is flushed to 0 (float32's
// subnormals, under 1.2e-38, are not produced). 2^n is built in the exponent bits, so n stays in
// [-126, 127]: above 127 it is 2^(n−1)·2.
const MAX_LOG = 88.72283935546875;
const MIN_LOG = -87.33654022216797;
const HALF_OVER = 88.3762626647949; // n = round(x · log2 e) reaches 128 above this

const slots = new Locals();
const [X, O, BYTES] = slots.params('x', 'out', 'bytes');
const [I] = slots.i32s('offset');
const [V, FX, R, Y, TOP] = slots.v128s('x4', 'n4', 'r4', 'y4', 'nTop');
type Lanes = [number, number, number, number];
const get = op.localGet;
const set = op.localSet;
// Each constant in a local, set once before the loop: V8 builds a v128.const anew at each use.
const CONSTANTS = new Map<string, { local: number; bytes: number[] }>();
const constant = (bytes: number[]) => {
  const key = bytes.join();
  if (!CONSTANTS.has(key)) CONSTANTS.set(key, { local: slots.v128(`c${CONSTANTS.size}`), bytes });
  return get(CONSTANTS.get(key)!.local);
};
const f = (value: number) => constant(op.v128ConstF32x4(value));

const loop = [
  ...whileBelow(I, BYTES, [
    ...[...get(X), ...get(I), ...op.i32Add, ...op.v128Load, ...set(V)],
    // c = clamp(x) (pmax and pmin keep a NaN x), n = nearest(c · log2 e) as a float
    ...[...get(V), ...f(MIN_LOG), ...op.f32x4Pmax, ...f(MAX_LOG), ...op.f32x4Pmin, ...set(R)],
    ...[...get(R), ...f(LOG2E), ...op.f32x4Mul, ...op.f32x4Nearest, ...set(FX)],
    // r = c − n·C1 − n·C2
    ...[...get(R), ...get(FX), ...f(C1), ...op.f32x4Mul, ...op.f32x4Sub],
    ...[...get(FX), ...f(C2), ...op.f32x4Mul, ...op.f32x4Sub, ...set(R)],
    // y = ((((P0 r + P1) r + P2) r + P3) r + P4) r + P5, then y r² + r + 1
    ...[...f(P[0]!), ...get(R), ...op.f32x4Mul],
    ...P.slice(1).flatMap((c, q) => [
      ...f(c),
      ...op.f32x4Add,
      ...(q < P.length - 2 ? [...get(R), ...op.f32x4Mul] : []),
    ]),
    ...[...get(R), ...get(R), ...op.f32x4Mul, ...op.f32x4Mul, ...get(R), ...op.f32x4Add],
    ...[...f(1), ...op.f32x4Add, ...set(Y)],
    // top: all ones (-1) where n may be 128 (x past HALF_OVER): 2^n = 2^(n + top) · (top ? 2 : 1)
    ...[...get(V), ...f(HALF_OVER), ...op.f32x4Gt, ...set(TOP)],
    // n + 127 + 2^23 is exact in float32, its bits 0x4b000000 + n + 127: the exponent field of 2^n
    ...[...get(Y), ...get(FX), ...f(2 ** 23 + 127), ...op.f32x4Add],
    ...[...constant(op.v128ConstI32x4(Array(4).fill(0x4b000000) as Lanes)), ...op.i32x4Sub],
    ...[...get(TOP), ...op.i32x4Add, ...op.i32Const(23), ...op.i32x4Shl, ...op.f32x4Mul],
    ...[...f(2), ...f(1), ...get(TOP), ...op.v128Bitselect, ...op.f32x4Mul, ...set(Y)],
    // +inf past MAX_LOG, 0 below MIN_LOG (NaN stays NaN: no comparison holds for it)
    ...[...get(O), ...get(I), ...op.i32Add],
    ...[...f(Number.POSITIVE_INFINITY), ...get(Y), ...get(V), ...f(MAX_LOG), ...op.f32x4Gt],
    ...[...op.v128Bitselect, ...get(V), ...f(MIN_LOG), ...op.f32x4Lt, ...op.v128AndNot],
    ...op.v128Store,
    ...addTo(I, op.i32Const(16)),
  ]),
];

const setConstants = [...CONSTANTS.values()].flatMap(({ local, bytes }) => [
  ...bytes,
  ...set(local),
]);

/** The function {@link expSimdOf} binds. */
export const EXP_FUNCTION = slots.function('exp', [...setConstants, ...loop]);

/** The SIMD exp bound to the wasm backend's memory, or null where it fails to compile or bind. */
export const expSimdOf = heapBinder<ExpSimd>(EXP_FUNCTION);
