// The on-disk layout of pretokenized shards: an index.json and, per shard, token and document files.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TokenizerIdentity } from '../tokenizer';

/** Value of `format` in every index.json written by `pretokenize`. */
export const SHARD_FORMAT = 'relora-token-shards';
export const SHARD_FORMAT_VERSION = 1;
export const INDEX_FILE = 'index.json';

/** One shard: `file` holds its token ids, `documentsFile` the start (uint32 LE, in tokens) of each document. */
export interface ShardEntry {
  /** Token ids, little-endian `dtype`, each document followed by EOS. */
  file: string;
  tokens: number;
  /** sha256 of `file`, hex. */
  sha256: string;
  documentsFile: string;
  documents: number;
  /** sha256 of `documentsFile`, hex. */
  documentsSha256: string;
}

/** Contents of index.json. Written with a fixed key order and no timestamps, so bytes are deterministic. */
export interface ShardIndex {
  format: typeof SHARD_FORMAT;
  version: typeof SHARD_FORMAT_VERSION;
  tokenizer: TokenizerIdentity;
  eosId: number;
  /** uint16 when every id fits (vocabSize <= 65536), else uint32. */
  dtype: 'uint16' | 'uint32';
  tokens: number;
  documents: number;
  shards: ShardEntry[];
}

/** Bytes per token of a dtype. */
export function bytesPerToken(dtype: ShardIndex['dtype']): number {
  return dtype === 'uint16' ? 2 : 4;
}

/** File names of shard `i`: `shard-00000.bin` and `shard-00000.docs`. */
export function shardFileNames(i: number): { file: string; documentsFile: string } {
  const stem = `shard-${String(i).padStart(5, '0')}`;
  return { file: `${stem}.bin`, documentsFile: `${stem}.docs` };
}

/** Reads and checks the shape of `dir/index.json`. */
export async function readShardIndex(dir: string): Promise<ShardIndex> {
  const path = join(dir, INDEX_FILE);
  const text = await readFile(path, 'utf8').catch(() => {
    throw new Error(
      `no ${INDEX_FILE} in ${dir}: expected a folder written by pretokenize (relora-pretokenize)`,
    );
  });
  let index: ShardIndex;
  try {
    index = JSON.parse(text) as ShardIndex;
  } catch (error) {
    throw new Error(
      `${path} is not valid JSON (${(error as Error).message}); the shard folder is damaged`,
    );
  }
  if (index.format !== SHARD_FORMAT || index.version !== SHARD_FORMAT_VERSION) {
    throw new Error(
      `${path} has format ${JSON.stringify(index.format)} version ${index.version}; expected ${SHARD_FORMAT} version ${SHARD_FORMAT_VERSION}`,
    );
  }
  if (!Array.isArray(index.shards) || (index.dtype !== 'uint16' && index.dtype !== 'uint32')) {
    throw new Error(
      `${path} lacks a shard list or a dtype (uint16 | uint32); the shard folder is damaged`,
    );
  }
  return index;
}
