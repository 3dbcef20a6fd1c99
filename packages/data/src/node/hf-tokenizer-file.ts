// Loads a Hugging Face tokenizer.json (and tokenizer_config.json beside it) from a local path.
import { readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createHfTokenizer, type HfTokenizerOptions } from '../hf-tokenizer';
import type { Tokenizer } from '../tokenizer';

/**
 * A tokenizer from `path`: a `tokenizer.json` file or a folder holding one. A
 * `tokenizer_config.json` in the same folder supplies the special tokens. Nothing is downloaded.
 */
export async function loadHfTokenizer(
  path: string,
  options: Omit<HfTokenizerOptions, 'config'> = {},
): Promise<Tokenizer> {
  const info = await stat(path).catch(() => {
    throw new Error(
      `tokenizer not found: ${path} (expected a tokenizer.json or a folder holding one)`,
    );
  });
  const file = info.isDirectory() ? join(path, 'tokenizer.json') : path;
  const json = await readJson(file, true);
  const config = await readJson(join(dirname(file), 'tokenizer_config.json'), false);
  // The name stays `hf:<model type>` (not the path) so moving the files does not orphan shards.
  return createHfTokenizer(json, {
    ...options,
    ...(config === undefined ? {} : { config: config as Record<string, unknown> }),
  });
}

async function readJson(file: string, required: boolean): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    if (required) throw new Error(`cannot read ${file}: expected a Hugging Face tokenizer.json`);
    return undefined;
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`${file} is not valid JSON (${(error as Error).message})`);
  }
}
