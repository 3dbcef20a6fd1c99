// Options of a LoRA layer and their defaults (the reference's: Guitaricet/relora, peft_pretraining/relora.py).

/** Options of {@link LoRALinear} and {@link applyLoRA}'s per-layer settings. */
export interface LoRALinearOptions {
  /** LoRA rank r: A is [in, r], B is [r, out]. Reference `r`; default 128. */
  rank?: number;
  /** Scale numerator: s = alpha / rank when scaling is fixed. Reference `lora_alpha`; default 32. */
  alpha?: number;
  /** Dropout rate on the LoRA branch's input, training only, in [0, 1). Reference `lora_dropout`; default 0.1. */
  dropout?: number;
  /**
   * s = tanh(c) with c a trainable scalar (init 1) instead of alpha / rank. Reference
   * `trainable_scaling`; default false.
   */
  trainableScaling?: boolean;
  /**
   * The value c is reset to at each restart, with `trainableScaling`. Default 1 (its init).
   * The reference resets c to 0; together with B = 0 that makes the gradients of A, B and c all
   * exactly zero, so the LoRA branch never learns again after the first restart. Pass 0 to
   * reproduce the reference anyway.
   */
  scalingResetValue?: number;
  /** No frozen W (nor bias): y = s * dropout(x) A B, plain LoRA from scratch; merges are skipped. Reference `lora_only`; default false. */
  loraOnly?: boolean;
  /** Seed for A's init, its re-inits at restarts and dropout masks. Default: unseeded (Math.random). */
  seed?: number | string;
  /**
   * Keep the sum of merged updates (sum of s·A·B over restarts), one extra [in, out] float32 tensor per
   * layer, allocated at the first merge; needed by `updateDelta()` after a restart. Default false.
   */
  trackDelta?: boolean;
}

/** Defaults of {@link LoRALinearOptions}. */
export const LORA_DEFAULTS = {
  rank: 128,
  alpha: 32,
  dropout: 0.1,
  trainableScaling: false,
  scalingResetValue: 1,
  loraOnly: false,
  trackDelta: false,
} as const;

/** Options with defaults filled in and validated. */
export type ResolvedLoRAOptions = Required<Omit<LoRALinearOptions, 'seed'>> & {
  seed: number | string | undefined;
};

/** Fills defaults and throws a clear error on an invalid value. */
export function resolveLoRAOptions(
  who: string,
  options: LoRALinearOptions = {},
): ResolvedLoRAOptions {
  const resolved: ResolvedLoRAOptions = {
    ...LORA_DEFAULTS,
    ...stripUndefined(options),
    seed: options.seed,
  };
  const { rank, alpha, dropout } = resolved;
  if (!Number.isInteger(rank) || rank <= 0) {
    throw new Error(
      `${who}: rank must be a positive integer, got ${rank} (for r = 0 use the plain layer)`,
    );
  }
  if (!Number.isFinite(resolved.scalingResetValue))
    throw new Error(
      `${who}: scalingResetValue must be a finite number, got ${resolved.scalingResetValue}`,
    );
  if (!Number.isFinite(alpha))
    throw new Error(`${who}: alpha must be a finite number, got ${alpha}`);
  if (!(dropout >= 0 && dropout < 1))
    throw new Error(`${who}: dropout must be in [0, 1), got ${dropout}`);
  return resolved;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
