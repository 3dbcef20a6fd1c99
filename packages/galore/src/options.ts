// GaLore/Fira options: one interface, one defaults object (the official code's defaults).

/** Options of {@link GaLoreAdamW}; defaults in {@link GALORE_DEFAULTS}. */
export interface GaLoreOptions {
  /** Base learning rate (both groups). */
  lr: number;
  /** Adam beta1. Default 0.9. */
  beta1?: number;
  /** Adam beta2. Default 0.999. */
  beta2?: number;
  /**
   * Adam epsilon. Default 1e-6: the official code's (`galore_torch/adamw.py`; the paper says 1e-8).
   * Projected moments add it before bias correction, as the official (Hugging Face) AdamW does.
   */
  epsilon?: number;
  /** Decoupled weight decay, applied after the update (p -= lr·wd·p). Default 0. */
  weightDecay?: number;
  /** Rank r of the projection (`--rank`). Default 128 (paper runs: 128 / 256 / 256 / 512). */
  rank?: number;
  /** Steps between projector refreshes T (`--update_proj_gap`). Default 50 (paper runs: 200). */
  updateProjGap?: number;
  /** alpha, multiplying the projected-back update (`--galore_scale`; Fira's `alpha`). Default 1.0 (paper runs: 0.25). */
  scale?: number;
  /** Side choice (`--proj_type`): `std` projects the shorter side, the official default. */
  projType?: 'std';
  /** Fira (Chen et al. 2024): add the scaled residual and its norm-growth limiter. Default false. */
  fira?: boolean;
  /** Fira's limiter gamma (hard-coded 1.01 in the official code). */
  gamma?: number;
  /**
   * Fira's residual: `code` (official: update = alpha·back(N) + phi·(G − alpha·back(R))) or
   * `paper` (Algorithm 1: alpha·(back(N) + phi·(G − back(R)))). Default `code`.
   */
  firaResidual?: 'code' | 'paper';
  /** Oversampling of the randomized SVD (`@relora/linalg`). Default 8. */
  oversample?: number;
  /** Power iterations of the randomized SVD. Default 2. */
  powerIterations?: number;
  /** Seed of the SVD sketches (each refresh draws from seed, matrix index and step). Default 0. */
  seed?: number;
}

/** The defaults of {@link GaLoreOptions} (official GaLore/Fira code). */
export const GALORE_DEFAULTS = {
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-6,
  weightDecay: 0,
  rank: 128,
  updateProjGap: 50,
  scale: 1,
  projType: 'std',
  fira: false,
  gamma: 1.01,
  firaResidual: 'code',
  oversample: 8,
  powerIterations: 2,
  seed: 0,
} as const satisfies Omit<Required<GaLoreOptions>, 'lr'>;

/** Resolved options. */
export type ResolvedGaLoreOptions = Required<GaLoreOptions>;

/** Merges over the defaults and checks every value; throws a one-line RangeError naming the option. */
export function resolveGaLoreOptions(options: GaLoreOptions): ResolvedGaLoreOptions {
  const o = { ...GALORE_DEFAULTS, ...options } as ResolvedGaLoreOptions;
  const check = (name: string, ok: boolean, expected: string, got: unknown) => {
    if (!ok) throw new RangeError(`GaLoreAdamW: ${name} must be ${expected}, got ${got}`);
  };
  const int = (x: number, min: number) => Number.isInteger(x) && x >= min;
  check('lr', Number.isFinite(o.lr) && o.lr >= 0, 'a finite number >= 0', o.lr);
  check('beta1', o.beta1 >= 0 && o.beta1 < 1, 'in [0, 1)', o.beta1);
  check('beta2', o.beta2 >= 0 && o.beta2 < 1, 'in [0, 1)', o.beta2);
  check('epsilon', o.epsilon >= 0, '>= 0', o.epsilon);
  check('weightDecay', o.weightDecay >= 0, '>= 0', o.weightDecay);
  check('rank', int(o.rank, 1), 'an integer >= 1', o.rank);
  check('updateProjGap', int(o.updateProjGap, 1), 'an integer >= 1', o.updateProjGap);
  check('scale', Number.isFinite(o.scale) && o.scale > 0, 'a number > 0', o.scale);
  check('projType', o.projType === 'std', "'std'", o.projType);
  check('gamma', Number.isFinite(o.gamma) && o.gamma >= 1, 'a number >= 1', o.gamma);
  check(
    'firaResidual',
    ['code', 'paper'].includes(o.firaResidual),
    "'code' or 'paper'",
    o.firaResidual,
  );
  check('oversample', int(o.oversample, 0), 'an integer >= 0', o.oversample);
  check('powerIterations', int(o.powerIterations, 0), 'an integer >= 0', o.powerIterations);
  return o;
}
