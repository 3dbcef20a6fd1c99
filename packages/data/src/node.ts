// Public API of @relora/data/node: files, the Brown corpus on disk and shards (Node only).
export { brownCorpusDir, loadBrownDocuments } from './node/brown-corpus';
export type { DataLoadersOptions } from './node/data-loaders';
export { openDataLoaders, openStore } from './node/data-loaders';
export { loadHfTokenizer } from './node/hf-tokenizer-file';
export { listInputFiles, readLines } from './node/input-files';
export type { BadLine, JsonlSourceOptions } from './node/jsonl-source';
export { BadLineError, JSONL_SOURCE_DEFAULTS, JsonlSource } from './node/jsonl-source';
export type { SourceSpec } from './node/open-source';
export { openSource } from './node/open-source';
export type { PretokenizeOptions } from './node/pretokenize';
export {
  checkOutDir,
  cleanPretokenizeDebris,
  PRETOKENIZE_DEFAULTS,
  pretokenize,
  processAlive,
} from './node/pretokenize';
export { resolveTokenizer } from './node/resolve-tokenizer';
export type { ShardEntry, ShardIndex } from './node/shard-format';
export { readShardIndex, SHARD_FORMAT, SHARD_FORMAT_VERSION } from './node/shard-format';
export type { OpenShardsOptions } from './node/shard-store';
export { openShards, ShardStore } from './node/shard-store';
export type { TextSourceOptions } from './node/text-source';
export { TEXT_SOURCE_DEFAULTS, textDocuments } from './node/text-source';
export { unwritablePath } from './node/writable-path';
