// Public API of @relora/data (browser-safe; file access lives in '@relora/data/node').

export type { Batch, BatchArrays, BatchLoaderOptions, LoaderCursor } from './batch-loader';
export { BatchLoader } from './batch-loader';
export { brownDocuments, detokenizeBrown } from './brown-text';
export { BYTE_TOKENIZER_IDS, createByteTokenizer } from './byte-tokenizer';
export type { DataLoaders, LoaderOptions } from './create-loaders';
export { createLoaders, LOADER_DEFAULTS } from './create-loaders';
export type { DocumentSource, SourceDocument } from './document-source';
export type { SplitOptions } from './document-split';
export { splitDocuments, TokenRuns } from './document-split';
export { createGpt2Tokenizer, GPT2_TOKENIZER_IDS } from './gpt2-tokenizer';
export type { HfTokenizerOptions } from './hf-tokenizer';
export { createHfTokenizer, HF_EOS_CANDIDATES } from './hf-tokenizer';
export type { TokenStore } from './token-store';
export { checkIds, MemoryTokenStore, TokenStreamBuilder, tokenizeTexts } from './token-store';
export type { Tokenizer, TokenizerIdentity } from './tokenizer';
export { assertSameTokenizer } from './tokenizer';
