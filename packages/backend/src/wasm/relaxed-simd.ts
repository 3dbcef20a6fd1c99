// Relaxed SIMD (f32x4.relaxed_madd, a fused multiply-add where the CPU has one): detected by
// validating a tiny module; in Node 20 switched on with V8's flag, which Node 22 and Chrome 114+
// do not need.
import { isNode } from '../select/node-builtins';
import { encodeModule, op } from './simd-module';

/** What the wasm kernels of this process can use, and what they do use. */
export interface WasmSimdFeatures {
  /** 128-bit WebAssembly SIMD validates here (every kernel's loop needs it). */
  simd: boolean;
  /** Relaxed SIMD validates here (in Node 20 once `initBackend` has set V8's flag). */
  relaxedSimd: boolean;
  /**
   * The matmul loop multiplies and adds with f32x4.relaxed_madd: relaxed SIMD validates and is not
   * switched off (`RELORA_WASM_RELAXED=0`, `initBackend({ wasmRelaxedSimd: false })`). Its sums
   * round once per product instead of twice, so they equal the plain loop's within float32
   * tolerance, not bit for bit.
   */
  fma: boolean;
}

// A module whose one function pushes `operands` zero vectors, applies `instruction` and drops
// the result.
function probe(operands: number, instruction: readonly number[]): Uint8Array<ArrayBuffer> {
  const zeros = Array.from({ length: operands }, () => op.v128ConstI32x4([0, 0, 0, 0])).flat();
  const body = [...zeros, ...instruction, ...op.drop];
  return encodeModule({ name: 'probe', params: [], locals: [], slotNames: [], body }, false);
}

const validates = (module: Uint8Array<ArrayBuffer>): boolean =>
  typeof WebAssembly === 'object' && WebAssembly.validate(module);

// Engine answers, asked once each: the matmul asks on every call. The relaxed one is asked again
// after the flag is set.
let simd: boolean | undefined;
let relaxedSimd: boolean | undefined;
const simdHere = () => (simd ??= validates(probe(2, op.f32x4Add)));
/** The module whose validation says whether relaxed SIMD is there (f32x4.relaxed_madd on zeros). */
export const relaxedProbe = () => probe(3, op.f32x4RelaxedMadd);
const relaxedHere = () => (relaxedSimd ??= validates(relaxedProbe()));

/**
 * In Node, sets V8's `--experimental-wasm-relaxed-simd` where relaxed SIMD does not validate yet
 * (Node 20; it is on by default from Node 22). V8's flags are process-wide, so worker threads
 * get it too, and it applies to every module compiled after it. In browsers it does nothing: a
 * page cannot set flags (Chrome 114+ has relaxed SIMD on; where an engine lacks it, the plain loop
 * runs).
 */
export function enableRelaxedSimd(): void {
  if (!isNode() || relaxedHere()) return;
  // process.getBuiltinModule is Node >= 20.16; older Nodes keep the plain loop.
  const v8 = (
    globalThis as { process?: { getBuiltinModule?: (name: string) => unknown } }
  ).process?.getBuiltinModule?.('node:v8') as
    | { setFlagsFromString(flags: string): void }
    | undefined;
  if (!v8) return;
  v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
  relaxedSimd = undefined;
}

function environmentAllowsFma(): boolean {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process
    ?.env;
  return env?.RELORA_WASM_RELAXED !== '0';
}

// Decided when the backend is set up (allowRelaxedFma), not read from the environment on every
// product: the matmul asks on each BatchMatMul call.
let fmaChoice: boolean | undefined;

/**
 * Allows (true) or forbids (false) relaxed FMA in the matmul loop; undefined: allowed unless the
 * environment has `RELORA_WASM_RELAXED=0`, read now. Takes effect on the next product.
 */
export function allowRelaxedFma(allowed: boolean | undefined): void {
  fmaChoice = allowed ?? environmentAllowsFma();
}

const fmaAllowed = (): boolean => (fmaChoice ??= environmentAllowsFma());

/** Whether the matmul loop runs f32x4.relaxed_madd now (see {@link WasmSimdFeatures.fma}). */
export const relaxedFmaInUse = (): boolean => fmaAllowed() && simdHere() && relaxedHere();

/**
 * What the wasm kernels can use in this engine, and whether the matmul loop uses relaxed FMA.
 * In Node 20 relaxed SIMD validates only after `initBackend` picked wasm (it sets V8's flag).
 */
export function wasmSimdFeatures(): WasmSimdFeatures {
  return { simd: simdHere(), relaxedSimd: relaxedHere(), fma: relaxedFmaInUse() };
}
