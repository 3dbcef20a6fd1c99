// Autoregressive decoding for LlamaModel.generate: options, and the loop over a key/value cache.
import { mulberry32 } from '@relora/core';
import * as tf from '@tensorflow/tfjs-core';
import type { KeyValueCache } from './attention';
import type { LlamaConfig } from './config';
import { checkPromptIds } from './input-checks';
import { sampleToken } from './sampling';

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

/** Per-layer caches and the position the fed tokens start at. */
export interface DecodeState {
  caches: KeyValueCache[];
  offset: number;
}

/**
 * Samples up to `maxNewTokens` tokens after `promptIds`. `lastLogits(fresh, state)` runs the model
 * on the tokens not yet seen and returns the last position's logits [1, V]. Once the sequence
 * outgrows maxSeqLen every position shifts, so from then on each step recomputes the last
 * maxSeqLen tokens without a cache (state undefined).
 */
export async function decodeTokens(
  promptIds: number[],
  options: GenerateOptions,
  config: LlamaConfig,
  lastLogits: (fresh: number[], state: DecodeState | undefined) => tf.Tensor,
): Promise<number[]> {
  const resolved = resolveGenerateOptions(options);
  checkPromptIds('generate', promptIds, config.vocabSize);
  const random = mulberry32(resolved.seed ?? Math.floor(Math.random() * 2 ** 32));
  const tokens = [...promptIds];
  const caches: KeyValueCache[] = Array.from({ length: config.numLayers }, () => ({}));
  let cached = 0;
  try {
    for (let step = 0; step < resolved.maxNewTokens; step++) {
      const incremental = tokens.length <= config.maxSeqLen;
      const fresh = incremental ? tokens.slice(cached) : tokens.slice(-config.maxSeqLen);
      const last = lastLogits(fresh, incremental ? { caches, offset: cached } : undefined);
      if (incremental) cached = tokens.length;
      const logits = await last.data();
      last.dispose();
      const next = sampleToken(logits, resolved, random);
      tokens.push(next);
      if (next === resolved.eosId) break;
    }
  } finally {
    for (const c of caches) tf.dispose([c.keys, c.values]);
  }
  return tokens;
}
