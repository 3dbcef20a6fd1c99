// Public API of @relora/data (browser-safe; file access lives in '@relora/data/node').
export type { Tokenizer, TokenizerIdentity } from './tokenizer';
export { assertSameTokenizer } from './tokenizer';
export { createByteTokenizer, BYTE_TOKENIZER_IDS } from './byte-tokenizer';
export { createGpt2Tokenizer, GPT2_TOKENIZER_IDS } from './gpt2-tokenizer';
export { createHfTokenizer, HF_EOS_CANDIDATES } from './hf-tokenizer';
export type { HfTokenizerOptions } from './hf-tokenizer';
export { detokenizeBrown, brownDocuments } from './brown-text';
export { MemoryTokenStore, TokenStreamBuilder, tokenizeTexts, checkIds } from './token-store';
export type { TokenStore } from './token-store';
export { splitDocuments, TokenRuns } from './document-split';
export type { SplitOptions } from './document-split';
export { BatchLoader } from './batch-loader';
export type { Batch, BatchArrays, BatchLoaderOptions, LoaderCursor } from './batch-loader';
export { createLoaders, LOADER_DEFAULTS } from './create-loaders';
export type { DataLoaders, LoaderOptions } from './create-loaders';
export type { DocumentSource, SourceDocument } from './document-source';
export { permuteIndex, uniformAt } from './random';
