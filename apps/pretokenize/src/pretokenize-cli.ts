// The relora-pretokenize command: flags in, shards out, one summary line per shard.
import { parseArgs } from 'node:util';
import type { DocumentSource } from '@relora/data';
import {
  BadLineError,
  checkOutDir,
  JsonlSource,
  openSource,
  PRETOKENIZE_DEFAULTS,
  pretokenize,
  resolveTokenizer,
} from '@relora/data/node';

export const PRETOKENIZE_USAGE = `usage: relora-pretokenize <input> --out <dir> [options]

  <input>               brown (the embedded Brown corpus), a text/JSONL file, or a folder of them
  --out <dir>           shard folder to create (refused if it is a file or a folder that is not empty)
  --tokenizer <t>       byte (default), gpt2, or a path to a Hugging Face tokenizer.json / its folder
  --format <f>          text or jsonl; default from the name (.jsonl, .json, .gz -> jsonl)
  --text-field <name>   JSONL field holding the text (default text)
  --skip-bad-lines      count and skip JSONL lines that are not JSON or lack the field
  --split <s>           text documents: file (default), paragraph or line
  --shard-tokens <n>    tokens per shard (default ${PRETOKENIZE_DEFAULTS.shardTokens})
  --overwrite           replace an existing shard folder (never a file or another folder) once the new shards are complete`;

/** Runs the CLI on `argv` (without node and script); returns the exit code. */
export async function runPretokenizeCli(
  argv: string[],
  log = console.log,
  error = console.error,
): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (e) {
    error(`${(e as Error).message}\n\n${PRETOKENIZE_USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const input = positionals[0];
  if (values.help) {
    log(PRETOKENIZE_USAGE);
    return 0;
  }
  if (input === undefined || values.out === undefined || positionals.length > 1) {
    error(`expected one <input> and --out\n\n${PRETOKENIZE_USAGE}`);
    return 2;
  }
  // Bad values: one line, exit 2, before anything is read or written.
  const bad = await badValue(values);
  if (bad !== undefined) {
    error(`relora-pretokenize: ${bad}`);
    return 2;
  }
  try {
    const tokenizer = await resolveTokenizer(values.tokenizer);
    const format = values.format ?? (/\.(jsonl|json)(\.gz)?$/.test(input) ? 'jsonl' : 'text');
    const source: DocumentSource =
      input === 'brown'
        ? await openSource({ kind: 'brown' })
        : format === 'jsonl'
          ? new JsonlSource(input, {
              textField: values['text-field'],
              skipBadLines: values['skip-bad-lines'],
            })
          : await openSource({
              kind: 'text',
              path: input,
              split: values.split as 'file' | 'paragraph' | 'line',
            });
    const shardTokens =
      values['shard-tokens'] === undefined ? undefined : Number(values['shard-tokens']);
    const index = await pretokenize({
      source,
      tokenizer,
      outDir: values.out,
      ...(shardTokens === undefined ? {} : { shardTokens }),
      overwrite: values.overwrite,
      onShard: (p) => log(`shard ${p.shards}: ${p.documents} documents, ${p.tokens} tokens so far`),
    });
    const skipped = source instanceof JsonlSource ? `, ${source.skipped} bad lines skipped` : '';
    log(
      `wrote ${values.out}: ${index.shards.length} shards, ${index.documents} documents, ${index.tokens} tokens (${index.dtype}, tokenizer ${index.tokenizer.name})${skipped}`,
    );
    return 0;
  } catch (e) {
    const hint = e instanceof BadLineError ? '; fix the line or pass --skip-bad-lines' : '';
    error(`relora-pretokenize: ${(e as Error).message.split('\n')[0]}${hint}`);
    return 1;
  }
}

/** The largest --shard-tokens: a shard's document starts are uint32, and a shard may overrun by a document. */
const MAX_SHARD_TOKENS = 2 ** 30;

/** What is wrong with the option values, or undefined. */
async function badValue(values: ReturnType<typeof parse>['values']): Promise<string | undefined> {
  const choice = (flag: 'format' | 'split', choices: string[]) => {
    const value = values[flag];
    return value === undefined || choices.includes(value)
      ? undefined
      : `--${flag}: expected one of ${choices.join(', ')}, got "${value}"`;
  };
  const shardTokens = values['shard-tokens'];
  if (
    shardTokens !== undefined &&
    !(
      /^\d+$/.test(shardTokens) &&
      Number(shardTokens) >= 1 &&
      Number(shardTokens) <= MAX_SHARD_TOKENS
    )
  )
    return `--shard-tokens: expected a whole number from 1 to ${MAX_SHARD_TOKENS} in decimal digits, got "${shardTokens}"`;
  if (values['text-field'] === '')
    return '--text-field: expected a field name, got an empty string';
  if (values.out === '') return '--out: expected a folder path, got an empty string';
  const out = choice('format', ['text', 'jsonl']) ?? choice('split', ['file', 'paragraph', 'line']);
  if (out !== undefined) return out;
  const refusal = await checkOutDir(values.out as string, values.overwrite);
  return refusal === undefined ? undefined : `--out: ${refusal}`;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      tokenizer: { type: 'string', default: 'byte' },
      format: { type: 'string' },
      'text-field': { type: 'string', default: 'text' },
      'skip-bad-lines': { type: 'boolean', default: false },
      split: { type: 'string', default: 'file' },
      'shard-tokens': { type: 'string' },
      overwrite: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
}
