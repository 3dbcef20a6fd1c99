// Autoregressive sampling options and defaults for LlamaModel.generate.

/** Options of `LlamaModel.generate`. */
export interface GenerateOptions {
  /** Tokens to append. Default 32. */
  maxNewTokens?: number;
  /** Softmax temperature; 0 is greedy decoding. Default 1. */
  temperature?: number;
  /** Sample among the k most likely tokens; 0 keeps all. Default 0. */
  topK?: number;
  /** Seed of the sampler; undefined draws from Math.random. */
  seed?: number;
  /** Stop after emitting this token (it is included in the output). Default: none. */
  eosId?: number;
}

/** Defaults of {@link GenerateOptions}. */
export const GENERATE_DEFAULTS = { maxNewTokens: 32, temperature: 1, topK: 0 } as const;

/** Fills defaults and validates; throws naming the bad field. */
export function resolveGenerateOptions(
  options: GenerateOptions,
): Required<Omit<GenerateOptions, 'seed' | 'eosId'>> & Pick<GenerateOptions, 'seed' | 'eosId'> {
  const resolved = { ...GENERATE_DEFAULTS, ...options };
  if (!Number.isInteger(resolved.maxNewTokens) || resolved.maxNewTokens < 0) {
    throw new Error(
      `generate: maxNewTokens must be a non-negative integer, got ${resolved.maxNewTokens}`,
    );
  }
  if (!(resolved.temperature >= 0) || !Number.isFinite(resolved.temperature)) {
    throw new Error(
      `generate: temperature must be a finite number >= 0, got ${resolved.temperature}`,
    );
  }
  if (!Number.isInteger(resolved.topK) || resolved.topK < 0) {
    throw new Error(`generate: topK must be a non-negative integer, got ${resolved.topK}`);
  }
  return resolved;
}
