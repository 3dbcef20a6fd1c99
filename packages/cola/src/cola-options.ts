// CoLA's settings (rank, MLP wiring, recomputation), their per-size defaults and validation.
import type { LlamaConfig } from '@relora/llama';

/** How a LLaMA becomes a CoLA model (Liu et al., arXiv 2502.10940). */
export interface ColaOptions {
  /** r: every targeted projection becomes σ(x A) B with A [in, r], B [r, out]. */
  rank: number;
  /**
   * The official config's `only_lr_act`: true drops SwiGLU's SiLU on the gate branch, so the MLP
   * is down(gate(x) * up(x)) and the only non-linearities are inside the factored projections;
   * false keeps down(silu(gate(x)) * up(x)).
   */
  onlyLrAct: boolean;
  /**
   * CoLA-M: each projection keeps only its input x for the backward and recomputes σ(x A) there,
   * instead of keeping x A, σ(x A) and its sigmoid (3r floats per token and projection).
   */
  recompute: boolean;
}

/** Module names the official code replaces (`ColaAttention`, `ColaMLP`): the LM head stays dense. */
export const COLA_TARGETS = /\.(self_attn\.[qkvo]_proj|mlp\.(gate|up|down)_proj)$/;

/** The official configs' rank by width where it is not d / 4 (130M: d = 768, r = 256). */
const RANK_BY_WIDTH: Readonly<Record<number, number>> = { 768: 256 };

/**
 * The official per-size choices (`cola_configs/*.json`): r = d / 4 (256 at d = 768), and
 * `only_lr_act` true from d = 1024 (350M, 1B, 7B), false below (60M, 130M). `recompute` false.
 */
export function colaDefaults(config: Pick<LlamaConfig, 'hiddenSize'>): ColaOptions {
  const d = config.hiddenSize;
  return {
    rank: RANK_BY_WIDTH[d] ?? Math.max(1, Math.floor(d / 4)),
    onlyLrAct: d >= 1024,
    recompute: false,
  };
}

const KNOWN = new Set(['rank', 'onlyLrAct', 'recompute']);

/** Fills {@link colaDefaults} and validates; throws naming the bad field and what was expected. */
export function resolveColaOptions(
  config: Pick<LlamaConfig, 'hiddenSize'>,
  input: Partial<ColaOptions> = {},
): ColaOptions {
  for (const key of Object.keys(input)) {
    if (!KNOWN.has(key)) {
      throw new Error(`ColaOptions: unknown field '${key}' (known: ${[...KNOWN].join(', ')})`);
    }
  }
  const options = { ...colaDefaults(config), ...input };
  if (!Number.isSafeInteger(options.rank) || options.rank < 1) {
    throw new Error(`ColaOptions: rank must be a positive integer, got ${String(options.rank)}`);
  }
  if (options.rank > config.hiddenSize) {
    throw new Error(
      `ColaOptions: rank ${options.rank} exceeds the model width ${config.hiddenSize}; expected at most that (the paper uses about d / 4)`,
    );
  }
  for (const key of ['onlyLrAct', 'recompute'] as const) {
    if (typeof options[key] !== 'boolean') {
      throw new Error(`ColaOptions: ${key} must be a boolean, got ${String(options[key])}`);
    }
  }
  return options;
}
