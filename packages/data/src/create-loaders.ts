// Train and validation loaders over one token store, split by document.
import { BatchLoader } from './batch-loader';
import { splitDocuments } from './document-split';
import type { TokenStore } from './token-store';
import type { TokenizerIdentity } from './tokenizer';

/** Options of {@link createLoaders}. */
export interface LoaderOptions {
  /** Sequences per batch. */
  batchSize: number;
  /** Tokens per sequence (context length); windows hold seqLen + 1 tokens. */
  seqLen: number;
  /** Seed of the document split and of the per-epoch shuffle. Default 0. */
  seed?: number;
  /** Fraction of documents held out for validation, in (0, 1). Default 0.05. */
  validationFraction?: number;
  /** Sequences per validation batch. Default `batchSize`. */
  validationBatchSize?: number;
}

/** Defaults of {@link LoaderOptions}. */
export const LOADER_DEFAULTS = { seed: 0, validationFraction: 0.05 } as const;

/** What {@link createLoaders} returns. */
export interface DataLoaders {
  /** Shuffled per epoch; `next()` never ends (it starts the next epoch). */
  train: BatchLoader;
  /** In stream order; use `validation.fixedBatches(tokens)` for a fixed evaluation set. */
  validation: BatchLoader;
  store: TokenStore;
  tokenizer: TokenizerIdentity;
  /** Closes the store's files (shards); loaders must not be used afterwards. */
  close(): void;
}

/**
 * Splits `store` by document (seeded) and builds a shuffled train loader and an ordered
 * validation loader. Throws if either split has fewer windows than a batch.
 */
export function createLoaders(store: TokenStore, options: LoaderOptions): DataLoaders {
  const seed = options.seed ?? LOADER_DEFAULTS.seed;
  const validationFraction = options.validationFraction ?? LOADER_DEFAULTS.validationFraction;
  if (!(validationFraction > 0 && validationFraction < 1)) {
    throw new Error(`validationFraction must be in (0, 1), got ${validationFraction}`);
  }
  const { train, validation } = splitDocuments(store, { validationFraction, seed });
  const base = `${store.tokenizer.hash}/${store.numDocuments}/${store.numTokens}/vf=${validationFraction}/split=${seed}`;
  return {
    train: new BatchLoader(train, {
      batchSize: options.batchSize,
      seqLen: options.seqLen,
      seed,
      shuffle: true,
      fingerprint: `${base}/train`,
      label: 'train split',
    }),
    validation: new BatchLoader(validation, {
      batchSize: options.validationBatchSize ?? options.batchSize,
      seqLen: options.seqLen,
      seed,
      shuffle: false,
      fingerprint: `${base}/validation`,
      label: 'validation split',
    }),
    store,
    tokenizer: store.tokenizer,
    close: () => store.close(),
  };
}
