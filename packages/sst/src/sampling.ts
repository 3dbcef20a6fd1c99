// Which singular-vector pairs train in an SST iteration: a σ-weighted draw without replacement.

/**
 * `sigma`: p_i ∝ σ_i (the first version's multinomial on the singular values); `mixed`:
 * p_i = ½ (1/k + σ_i / Σσ) (the later version's, as summarised in methods.md 4.2).
 */
export type SSTSampling = 'sigma' | 'mixed';

/**
 * `r` distinct indices of `sigma` drawn one after another, each with probability proportional to
 * its weight among those not drawn yet (a multinomial without replacement), ascending. Uniform
 * when every weight is 0. Takes exactly `r` values from `uniform`.
 */
export function sampleSpectrum(
  sigma: ArrayLike<number>,
  r: number,
  mode: SSTSampling,
  uniform: () => number,
): number[] {
  const k = sigma.length;
  if (!(Number.isInteger(r) && r >= 1 && r <= k))
    throw new RangeError(`sampleSpectrum: r must be an integer in [1, ${k}], got ${r}`);
  let total = 0;
  for (let i = 0; i < k; i++) total += Math.max(sigma[i] as number, 0);
  const weights = Array.from({ length: k }, (_, i) => {
    const p = total > 0 ? Math.max(sigma[i] as number, 0) / total : 1 / k;
    return mode === 'mixed' ? 0.5 * (1 / k + p) : p;
  });
  const taken: number[] = [];
  for (let draw = 0; draw < r; draw++) {
    let left = 0;
    for (const w of weights) left += w;
    const u = uniform();
    let pick = -1;
    if (left > 0) {
      let acc = 0;
      const target = u * left;
      for (let i = 0; i < k; i++) {
        if (weights[i] === 0) continue;
        acc += weights[i] as number;
        pick = i;
        if (target < acc) break;
      }
    } else {
      // Only zero weights left: the untaken indices uniformly.
      const rest = weights.flatMap((_, i) => (taken.includes(i) ? [] : [i]));
      pick = rest[Math.min(rest.length - 1, Math.floor(u * rest.length))] as number;
    }
    taken.push(pick);
    weights[pick] = 0;
  }
  return taken.sort((a, b) => a - b);
}
