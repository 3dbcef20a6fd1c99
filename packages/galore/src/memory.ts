// Analytical optimizer-state sizes of GaLore/Fira, in elements (methods.md 1.5, 2.4), for the bench.
import { effectiveRank } from './projector';

/** Optimizer-state elements of the projected matrices. */
export interface GaLoreStateElements {
  /** Projectors: r · min(in, out) per matrix. */
  projectors: number;
  /** Both Adam moments: 2 · r · max(in, out) per matrix. */
  moments: number;
  /** Fira's limiter: one scalar per matrix (0 for GaLore). */
  limiter: number;
  total: number;
}

/**
 * State elements GaLore (or Fira with `fira`) keeps for target kernels of `shapes` ([in, out]
 * each) at `rank` (clamped to each matrix's shorter side). Non-target parameters keep plain AdamW
 * state (2 elements per weight), not counted here.
 */
export function galoreStateElements(
  shapes: ReadonlyArray<readonly number[]>,
  rank: number,
  options: { fira?: boolean } = {},
): GaLoreStateElements {
  let projectors = 0;
  let moments = 0;
  for (const shape of shapes) {
    const r = effectiveRank(shape, rank);
    projectors += r * Math.min(shape[0]!, shape[1]!);
    moments += 2 * r * Math.max(shape[0]!, shape[1]!);
  }
  const limiter = options.fira ? shapes.length : 0;
  return { projectors, moments, limiter, total: projectors + moments + limiter };
}
