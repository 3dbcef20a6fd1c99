// Analytical element counts of SwitchLoRA's layers (methods.md 6.5, 7.1), for the bench.

/** Elements SwitchLoRA holds for its target matrices. */
export interface SwitchLoRAStateElements {
  /** Frozen W: in · out per matrix (rewritten by switches, never trained). */
  frozen: number;
  /** Trainable A and B: r · (in + out) per matrix; their gradients are as many. */
  factors: number;
  /** AdamW's m and v of A and B: 2 r (in + out) per matrix. */
  moments: number;
  /** Candidate pools: min(in, out) · (in + out) per matrix. */
  candidates: number;
  /** Per-slice Adam step counters: 2r per matrix (JS numbers here, not tensors). */
  stepCounters: number;
  /** What lives in tensors on the backend: frozen + factors + moments + candidates. */
  tensorElements: number;
  /** Everything above. */
  total: number;
}

/**
 * Elements SwitchLoRA keeps for target kernels of `shapes` ([in, out] each) at `rank`. Gradients
 * (another `factors`), activations, biases and the model's untouched parameters (embeddings,
 * norms, head, with plain AdamW state) are not counted. Throws if `rank` exceeds a matrix's
 * shorter side, as {@link SwitchLoRALinear} does.
 */
export function switchLoraStateElements(
  shapes: ReadonlyArray<readonly number[]>,
  rank: number,
): SwitchLoRAStateElements {
  const counts = { frozen: 0, factors: 0, moments: 0, candidates: 0, stepCounters: 0 };
  for (const shape of shapes) {
    const [inFeatures, outFeatures] = [shape[0] as number, shape[1] as number];
    const c = Math.min(inFeatures, outFeatures);
    if (!(Number.isInteger(rank) && rank >= 1 && rank <= c))
      throw new RangeError(
        `switchLoraStateElements: rank must be an integer in [1, ${c}] for shape [${shape}], got ${rank}`,
      );
    counts.frozen += inFeatures * outFeatures;
    counts.factors += rank * (inFeatures + outFeatures);
    counts.moments += 2 * rank * (inFeatures + outFeatures);
    counts.candidates += c * (inFeatures + outFeatures);
    counts.stepCounters += 2 * rank;
  }
  const tensorElements = counts.frozen + counts.factors + counts.moments + counts.candidates;
  return { ...counts, tensorElements, total: tensorElements + counts.stepCounters };
}
