// CR-Net's settings (rank, recomputation, the unofficial inits), their defaults and validation.
import type { LlamaConfig } from '@relora/llama';

/**
 * How the low-rank factors of blocks 2..L start (the official init could not be read, methods.md
 * 5.1): `cola` draws A and B as CoLA does (N(0, s²), s = r^(-1/4) (in + out)^(-1/4), so X A B has
 * a standard scale); `zero-b` draws A the same way and sets B = 0, so every block starts as the
 * pure cross-layer residual c·Y_{l-1} (LoRA's choice for its increment).
 */
export type CrNetFactorInit = 'cola' | 'zero-b';

/** How a LLaMA becomes a CR-Net model (Kong et al., arXiv 2509.18993). */
export interface CrNetOptions {
  /** r: blocks 2..L compute each projection as c·Y_{l-1} + X A B with A [in, r], B [r, out]. */
  rank: number;
  /**
   * Recompute (`crnet-m`): each low-rank projection keeps X A and its inputs for the backward but
   * not the previous block's output Y_{l-1}, which the backward rebuilds by inverting the
   * recurrence, Y_{l-1} = (Y_l − X_l A_l B_l) / c_l (methods.md 5.2).
   */
  recompute: boolean;
  /**
   * With `recompute`: the outputs of blocks L, L−k, L−2k, ... (1-based) are kept, every other
   * one is rebuilt from the nearest kept one above, so round-off accumulates over at most k
   * blocks. The paper keeps one block in 8 (k = 8); k = 1 keeps every output and gives the plain
   * gradients bit for bit.
   */
  checkpointEvery: number;
  /** β's start in every block and projection, c = sign(β)(|β| + 1e-6). Default 1 (unofficial). */
  betaInit: number;
  /** See {@link CrNetFactorInit}. Default `cola` (unofficial). */
  factorInit: CrNetFactorInit;
}

/** The projections CR-Net chains across blocks (every attention and MLP projection; not the head). */
export const CRNET_TARGETS =
  /^model\.layers\.(\d+)\.(self_attn\.[qkvo]_proj|mlp\.(gate|up|down)_proj)$/;

/** Defaults: r = d / 4 (as CoLA; the paper's per-size ranks are not known), k = 8, β = 1, `cola`. */
export function crnetDefaults(config: Pick<LlamaConfig, 'hiddenSize'>): CrNetOptions {
  return {
    rank: Math.max(1, Math.floor(config.hiddenSize / 4)),
    recompute: false,
    checkpointEvery: 8,
    betaInit: 1,
    factorInit: 'cola',
  };
}

const KNOWN = new Set(['rank', 'recompute', 'checkpointEvery', 'betaInit', 'factorInit']);

/** Fills {@link crnetDefaults} and validates; throws naming the bad field and what was expected. */
export function resolveCrNetOptions(
  config: Pick<LlamaConfig, 'hiddenSize'>,
  input: Partial<CrNetOptions> = {},
): CrNetOptions {
  for (const key of Object.keys(input)) {
    if (!KNOWN.has(key)) {
      throw new Error(`CrNetOptions: unknown field '${key}' (known: ${[...KNOWN].join(', ')})`);
    }
  }
  const options = { ...crnetDefaults(config) };
  for (const [key, value] of Object.entries(input)) {
    if (value !== undefined) (options as Record<string, unknown>)[key] = value;
  }
  for (const key of ['rank', 'checkpointEvery'] as const) {
    if (!Number.isSafeInteger(options[key]) || options[key] < 1) {
      throw new Error(
        `CrNetOptions: ${key} must be a positive integer, got ${String(options[key])}`,
      );
    }
  }
  if (options.rank > config.hiddenSize) {
    throw new Error(
      `CrNetOptions: rank ${options.rank} exceeds the model width ${config.hiddenSize}; expected at most that`,
    );
  }
  if (typeof options.recompute !== 'boolean') {
    throw new Error(`CrNetOptions: recompute must be a boolean, got ${String(options.recompute)}`);
  }
  if (typeof options.betaInit !== 'number' || !Number.isFinite(options.betaInit)) {
    throw new Error(
      `CrNetOptions: betaInit must be a finite number, got ${String(options.betaInit)}`,
    );
  }
  if (options.factorInit !== 'cola' && options.factorInit !== 'zero-b') {
    throw new Error(
      `CrNetOptions: factorInit must be 'cola' or 'zero-b', got ${JSON.stringify(options.factorInit)}`,
    );
  }
  return options;
}
