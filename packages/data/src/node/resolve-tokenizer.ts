// Turns a tokenizer name or path (`byte`, `gpt2`, a tokenizer.json) into a Tokenizer.
import { createByteTokenizer } from '../byte-tokenizer';
import { createGpt2Tokenizer } from '../gpt2-tokenizer';
import type { Tokenizer } from '../tokenizer';
import { loadHfTokenizer } from './hf-tokenizer-file';

/**
 * `byte` (default) -> byte-level, `gpt2` -> GPT-2 BPE, anything else -> a Hugging Face
 * `tokenizer.json` file or folder at that path. A Tokenizer passes through unchanged.
 */
export async function resolveTokenizer(spec: string | Tokenizer = 'byte'): Promise<Tokenizer> {
  if (typeof spec !== 'string') return spec;
  if (spec === 'byte') return createByteTokenizer();
  if (spec === 'gpt2') return createGpt2Tokenizer();
  return loadHfTokenizer(spec);
}
