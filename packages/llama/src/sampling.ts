// Picking the next token from one row of logits: greedy, temperature and top-k, with a seeded generator.

/** How to pick a token. */
export interface SampleOptions {
  /** Softmax temperature; 0 picks the most likely token (greedy). */
  temperature: number;
  /** Sample only among the k most likely tokens; 0 or >= V keeps all. */
  topK: number;
}

/** The index of the largest value (first on ties). */
export function argMax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++)
    if ((values[i] as number) > (values[best] as number)) best = i;
  return best;
}

/** Draws a token index from logits [V] according to `options`, using `random` in [0, 1). */
export function sampleToken(
  logits: ArrayLike<number>,
  options: SampleOptions,
  random: () => number,
): number {
  if (options.temperature === 0) return argMax(logits);
  let candidates = Array.from({ length: logits.length }, (_, i) => i);
  if (options.topK > 0 && options.topK < logits.length) {
    candidates.sort((a, b) => (logits[b] as number) - (logits[a] as number));
    candidates = candidates.slice(0, options.topK);
  }
  let top = Number.NEGATIVE_INFINITY;
  for (const i of candidates) top = Math.max(top, logits[i] as number);
  const weights = candidates.map((i) =>
    Math.exp(((logits[i] as number) - top) / options.temperature),
  );
  const total = weights.reduce((sum, w) => sum + w, 0);
  let threshold = random() * total;
  for (let j = 0; j < candidates.length; j++) {
    threshold -= weights[j] as number;
    if (threshold < 0) return candidates[j] as number;
  }
  return candidates[candidates.length - 1] as number;
}
