// Token cross-entropy and its gradient as two kernels: their names, inputs and arithmetic.

/**
 * Name of the fused cross-entropy kernel: `@relora/llama`'s `crossEntropy` runs it (with
 * {@link CROSS_ENTROPY_GRAD_KERNEL}) where a backend registers both (`@relora/backend` does for
 * cpu and wasm). A contract: never rename it.
 *
 * Inputs `{ logits, targets, weights }`: logits float32 [N, V] (V >= 1), targets int32 [N], each in
 * [0, V), weights float32 [N]. No attributes. Outputs `[loss, logSumExp]`: loss a float32 scalar,
 * Σ_i weights[i]·(logSumExp[i] − logits[i, targets[i]]), and logSumExp float32 [N],
 * log Σ_j exp(logits[i, j]) per row (computed as max + log Σ exp(l − max), so large logits do not
 * overflow), which {@link CROSS_ENTROPY_GRAD_KERNEL} needs. Sums run in another order than the ops
 * path's (logSoftmax, gather, sum), so results agree with it to ~1e-6 relative, not bit for bit.
 */
export const CROSS_ENTROPY_KERNEL = 'ReloraCrossEntropy';

/**
 * Name of the cross-entropy gradient kernel (a contract like {@link CROSS_ENTROPY_KERNEL}).
 *
 * Inputs `{ logits, targets, scale, logSumExp }`: logits float32 [N, V], targets int32 [N] in
 * [0, V), scale float32 [N] (weights[i]·dy for the scalar loss's upstream gradient dy), logSumExp
 * float32 [N] (the forward kernel's second output). Output dLogits float32 [N, V]:
 * scale[i]·(exp(logits[i, j] − logSumExp[i]) − [j = targets[i]]).
 */
export const CROSS_ENTROPY_GRAD_KERNEL = 'ReloraCrossEntropyGrad';

/** logits as N rows of V values. */
export interface CrossEntropyDims {
  rows: number;
  vocab: number;
}

function targetAt(targets: Int32Array, row: number, vocab: number): number {
  const t = targets[row]!;
  if (!(t >= 0 && t < vocab)) {
    throw new Error(`cross-entropy: targets[${row}] is ${t}, expected an index in [0, ${vocab})`);
  }
  return t;
}

/**
 * The forward kernel's arithmetic on flat arrays: logits [rows·vocab], targets, weights and
 * logSumExp [rows]. Max, then Σ exp(l − max) per row in float64 (Math.exp); each logSumExp is
 * rounded to float32 once, the loss summed in float64 and returned (the kernel rounds it).
 */
export function crossEntropyValues(
  logits: Float32Array,
  targets: Int32Array,
  weights: Float32Array,
  logSumExp: Float32Array,
  { rows, vocab }: CrossEntropyDims,
): number {
  let loss = 0;
  for (let r = 0, o = 0; r < rows; r++, o += vocab) {
    const t = targetAt(targets, r, vocab);
    let max = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < vocab; j++) if (logits[o + j]! > max) max = logits[o + j]!;
    let sum = 0;
    for (let j = 0; j < vocab; j++) sum += Math.exp(logits[o + j]! - max);
    const lse = max + Math.log(sum);
    logSumExp[r] = lse;
    const w = weights[r]!;
    if (w !== 0) loss += w * (lse - logits[o + t]!);
  }
  return loss;
}

/**
 * The gradient kernel's arithmetic on flat arrays: logits and dLogits [rows·vocab], targets, scale
 * and logSumExp [rows]. dLogits = scale·(exp(l − logSumExp) − [j = target]), in float64, rounded
 * once when stored.
 */
export function crossEntropyGradValues(
  logits: Float32Array,
  targets: Int32Array,
  scale: Float32Array,
  logSumExp: Float32Array,
  dLogits: Float32Array,
  { rows, vocab }: CrossEntropyDims,
): void {
  for (let r = 0, o = 0; r < rows; r++, o += vocab) {
    const t = targetAt(targets, r, vocab);
    const s = scale[r]!;
    const lse = logSumExp[r]!;
    if (s === 0) {
      dLogits.fill(0, o, o + vocab);
      continue;
    }
    for (let j = 0; j < vocab; j++) dLogits[o + j] = s * Math.exp(logits[o + j]! - lse);
    dLogits[o + t] = s * (Math.exp(logits[o + t]! - lse) - 1);
  }
}
