// The cross-entropy kernels for wasm: row by row (a row of 32k logits stays in L2), SIMD passes on
// the heap (cross-entropy-simd.ts and the Exp loop of replacements/exp-simd.ts) instead of the
// ops path's ~17 stock kernels over [N, V].
import {
  CROSS_ENTROPY_GRAD_KERNEL,
  CROSS_ENTROPY_KERNEL,
  crossEntropyGradValues,
  crossEntropyValues,
} from '@relora/core';
import type * as tf from '@tensorflow/tfjs-core';
import type { KernelArgs } from '../../kernel-args';
import { type ExpSimd, expSimdOf } from '../../replacements/exp-simd';
import { heapFloats, heapOffset, internals } from '../../wasm/wasm-heap';
import { checkCrossEntropyArgs, checkCrossEntropyGradArgs } from '../cross-entropy-args';
import {
  type AddScalarSimd,
  addScalarSimdOf,
  type LanesReduceSimd,
  rowMaxSimdOf,
  rowSumSimdOf,
} from './cross-entropy-simd';

interface Loops {
  exp: ExpSimd;
  max: LanesReduceSimd;
  sum: LanesReduceSimd;
  add: AddScalarSimd;
}

/** Every SIMD loop bound to this memory, or null where one failed (then core's JS loops run). */
function loopsOf(module: unknown): Loops | null {
  const [exp, max, sum, add] = [
    expSimdOf(module),
    rowMaxSimdOf(module),
    rowSumSimdOf(module),
    addScalarSimdOf(module),
  ];
  return exp && max && sum && add ? { exp, max, sum, add } : null;
}

const heapInts = (backend: ReturnType<typeof internals>, t: tf.TensorInfo) =>
  backend.typedArrayFromHeap(t) as Int32Array;

/**
 * {@link CROSS_ENTROPY_KERNEL} on wasm: `[loss, logSumExp]`, new tensors on the heap. Per row: the
 * max (SIMD lanes, then JS), l − max into a scratch row, exp in place, the sum (SIMD lanes in
 * float32, then float64 in JS); V % 4 tail elements in JS. Where SIMD is unavailable, core's loop.
 */
export const crossEntropyConfig: tf.KernelConfig = {
  kernelName: CROSS_ENTROPY_KERNEL,
  backendName: 'wasm',
  kernelFunc: ((args: KernelArgs) => {
    const backend = internals(args.backend);
    const { logits, targets, weights, dims } = checkCrossEntropyArgs(args.inputs, 'wasm');
    const { rows, vocab } = dims;
    const simd = loopsOf(backend.wasm);
    const loss = backend.makeOutput([], 'float32');
    const logSumExp = backend.makeOutput([rows], 'float32');
    // a row of l − max, then 4 lanes of a max or a sum
    const scratch = simd ? backend.makeOutput([vocab + 4], 'float32') : null;
    try {
      // Views only after makeOutput: a malloc may grow the heap and detach older views.
      const view = (t: tf.TensorInfo) => heapFloats(backend, t);
      const [l, w, lse] = [view(logits), view(weights), view(logSumExp)];
      const t = heapInts(backend, targets);
      if (!simd || !scratch || t.some((target) => !(target >= 0 && target < vocab))) {
        // core's loop: also the one that throws the error naming a target out of [0, V)
        view(loss)[0] = crossEntropyValues(l, t, w, lse, dims);
        return [loss, logSumExp];
      }
      const e = view(scratch);
      const [from, at] = [heapOffset(backend, logits), heapOffset(backend, scratch)];
      const lanesAt = at + 4 * vocab;
      const vectors = vocab - (vocab % 4);
      let total = 0;
      for (let r = 0, o = 0; r < rows; r++, o += vocab) {
        simd.max(from + 4 * o, lanesAt, 4 * vectors);
        let max = Math.max(e[vocab]!, e[vocab + 1]!, e[vocab + 2]!, e[vocab + 3]!);
        for (let j = vectors; j < vocab; j++) if (l[o + j]! > max) max = l[o + j]!;
        simd.add(from + 4 * o, at, 4 * vectors, -max, 0);
        simd.exp(at, at, 4 * vectors);
        simd.sum(at, lanesAt, 4 * vectors);
        let sum = e[vocab]! + e[vocab + 1]! + (e[vocab + 2]! + e[vocab + 3]!);
        for (let j = vectors; j < vocab; j++) sum += Math.exp(l[o + j]! - max);
        lse[r] = max + Math.log(sum);
        if (w[r] !== 0) total += w[r]! * (lse[r]! - l[o + t[r]!]!);
      }
      view(loss)[0] = total;
      return [loss, logSumExp];
    } catch (error) {
      backend.disposeData(loss.dataId);
      backend.disposeData(logSumExp.dataId);
      throw error;
    } finally {
      if (scratch) backend.disposeData(scratch.dataId);
    }
  }) as unknown as tf.KernelFunc,
};

/**
 * {@link CROSS_ENTROPY_GRAD_KERNEL} on wasm: dLogits, a new tensor on the heap. Rows with scale > 0
 * (every counted position when dy > 0) are written as (l − logSumExp) + ln scale (SIMD), then
 * exponentiated in place (SIMD Exp), then the target's entry lowered by scale: scale·exp(l − lse)
 * with the scale folded into the exponent, one float32 rounding of the argument more than core's
 * loop (a relative error of ~6e-8·|l − lse + ln scale| per entry). Other rows (scale <= 0), and
 * every row where SIMD is unavailable, run core's loop.
 */
export const crossEntropyGradConfig: tf.KernelConfig = {
  kernelName: CROSS_ENTROPY_GRAD_KERNEL,
  backendName: 'wasm',
  kernelFunc: ((args: KernelArgs) => {
    const backend = internals(args.backend);
    const { logits, targets, scale, logSumExp, dims } = checkCrossEntropyGradArgs(
      args.inputs,
      'wasm',
    );
    const out = backend.makeOutput(logits.shape, 'float32');
    const simd = loopsOf(backend.wasm);
    const [l, s, lse, d] = [logits, scale, logSumExp, out].map((t) => heapFloats(backend, t)) as [
      Float32Array,
      Float32Array,
      Float32Array,
      Float32Array,
    ];
    const t = heapInts(backend, targets);
    const { rows, vocab } = dims;
    // core's loop throws the error that names a target out of [0, V)
    if (!simd || t.some((target) => !(target >= 0 && target < vocab))) {
      try {
        crossEntropyGradValues(l, t, s, lse, d, dims);
      } catch (error) {
        backend.disposeData(out.dataId);
        throw error;
      }
      return out;
    }
    const [from, at] = [heapOffset(backend, logits), heapOffset(backend, out)];
    const vectors = vocab - (vocab % 4);
    for (let r = 0, o = 0; r < rows; r++, o += vocab) {
      if (!(s[r]! > 0)) continue;
      // written and exponentiated row by row, so the Exp loop reads it from L2
      const logScale = Math.log(s[r]!);
      simd.add(from + 4 * o, at + 4 * o, 4 * vectors, -lse[r]!, logScale);
      simd.exp(at + 4 * o, at + 4 * o, 4 * vectors);
      for (let j = o + vectors; j < o + vocab; j++) d[j] = Math.exp(l[j]! - lse[r]! + logScale);
    }
    for (let r = 0, o = 0; r < rows; r++, o += vocab) {
      if (s[r]! > 0) d[o + t[r]!] = d[o + t[r]!]! - s[r]!;
      else {
        const row = (a: Float32Array) => a.subarray(o, o + vocab);
        const one = <A extends Float32Array | Int32Array>(a: A) => a.subarray(r, r + 1) as A;
        crossEntropyGradValues(row(l), one(t), one(s), one(lse), row(d), { rows: 1, vocab });
      }
    }
    return out;
  }) as unknown as tf.KernelFunc,
};
