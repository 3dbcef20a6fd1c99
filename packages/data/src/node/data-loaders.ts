// One call from a source (Brown, shards, text, JSONL) and a tokenizer to train and validation loaders.
import { createLoaders, type DataLoaders, type LoaderOptions } from '../create-loaders';
import { type MemoryTokenStore, type TokenStore, TokenStreamBuilder } from '../token-store';
import type { Tokenizer } from '../tokenizer';
import { openSource, type SourceSpec } from './open-source';
import { openShards } from './shard-store';

/** Options of {@link openDataLoaders}. */
export interface DataLoadersOptions extends LoaderOptions {
  /**
   * Where the tokens come from. `shards` reads a folder written by `pretokenize` (windows are read
   * from the files); the others are tokenized into memory first, which suits the Brown corpus
   * (~6M byte tokens) and other small corpora; pretokenize anything large.
   */
  source: SourceSpec | { kind: 'shards'; dir: string; verify?: 'full' | 'size' };
  tokenizer: Tokenizer;
}

/**
 * Train and validation loaders (see `createLoaders`) over `options.source` tokenized by
 * `options.tokenizer`. Call `close()` when done (it closes shard files).
 */
export async function openDataLoaders(options: DataLoadersOptions): Promise<DataLoaders> {
  const store = await openStore(options.source, options.tokenizer);
  try {
    return createLoaders(store, options);
  } catch (error) {
    store.close();
    throw error;
  }
}

/** The token store of a source: shards on disk, anything else tokenized into memory. */
export async function openStore(
  source: DataLoadersOptions['source'],
  tokenizer: Tokenizer,
): Promise<TokenStore> {
  if (source.kind === 'shards') {
    return openShards(source.dir, {
      tokenizer,
      ...(source.verify ? { verify: source.verify } : {}),
    });
  }
  const cacheKey = source.kind === 'brown' ? tokenizer.identity().hash : undefined;
  const cached = cacheKey === undefined ? undefined : brownStores.get(cacheKey);
  if (cached !== undefined) return cached;
  const builder = new TokenStreamBuilder(tokenizer);
  let documents = 0;
  for await (const doc of await openSource(source))
    documents += builder.add(doc.text, doc.origin) > 0 ? 1 : 0;
  if (documents === 0) throw new Error(`source ${JSON.stringify(source)} yielded no documents`);
  const store = builder.finish();
  if (cacheKey !== undefined) brownStores.set(cacheKey, store);
  return store;
}

/** Tokenized Brown corpus per tokenizer hash: read-only, so loaders can share it. */
const brownStores = new Map<string, MemoryTokenStore>();
