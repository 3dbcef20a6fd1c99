// Reads a JSON or YAML options file into typed option values, naming the file and key on any error.
import { readFileSync, statSync } from 'node:fs';
import { isMap, isScalar, parseDocument } from 'yaml';
import { findOption, type OptionValue } from './option-table';
import { parseOptionValue, UsageError } from './parse-value';

/** The largest options file read. */
const MAX_CONFIG_BYTES = 2 ** 20;

/**
 * Options from `path`: keys in camelCase, kebab-case or the reference's snake_case.
 * Throws a {@link UsageError} for a missing or unreadable file, or an unknown key or bad value.
 */
export function readConfigFile(path: string): Record<string, OptionValue> {
  if (path === '') throw new UsageError('--config: expected a file path, got an empty string');
  let text: string;
  try {
    // stat first: a FIFO, a device (/dev/zero) or a huge file would hang or exhaust memory.
    const info = statSync(path);
    if (!info.isFile())
      throw new UsageError(
        `--config: ${path} is not a regular file (expected a JSON or YAML file)`,
      );
    if (info.size > MAX_CONFIG_BYTES)
      throw new UsageError(
        `--config: ${path} is ${info.size} bytes; an options file is at most ${MAX_CONFIG_BYTES} (1 MiB)`,
      );
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(
      `--config: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`,
    );
  }
  let data: unknown;
  // YAML's own spelling of the numbers it reads as hex or octal (`0x10`, `0o17`), by key.
  let nonDecimal = new Map<string, string>();
  try {
    if (/\.json$/i.test(path)) data = JSON.parse(text);
    else ({ data, nonDecimal } = parseYamlOptions(text));
  } catch (error) {
    throw new UsageError(
      `--config: ${path} is not valid ${/\.json$/i.test(path) ? 'JSON' : 'YAML'}: ${(error as Error).message.split('\n')[0]}`,
    );
  }
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new UsageError(`--config: ${path} must hold a mapping of option names to values`);
  }
  const values: Record<string, OptionValue> = {};
  for (const [name, raw] of Object.entries(data)) {
    // A run's config.json records what ran (run_backend, run_model, run_tokenizer); not options.
    if (name.startsWith('run_')) continue;
    const option = findOption(name);
    if (!option || option.key === 'config')
      throw new UsageError(`${path}: unknown option "${name}"`);
    // as its text, so that a YAML hex or octal number is refused as the same flag would be
    values[option.key] = parseOptionValue(option, nonDecimal.get(name) ?? raw, `${path}: ${name}`);
  }
  return values;
}

/**
 * YAML text as plain data, and the source text of each top-level value YAML 1.2 reads as a hex
 * or octal number: options take decimal notation only, from a file as from a flag.
 */
function parseYamlOptions(text: string): { data: unknown; nonDecimal: Map<string, string> } {
  const doc = parseDocument(text);
  const error = doc.errors[0];
  if (error) throw error;
  const nonDecimal = new Map<string, string>();
  if (isMap(doc.contents))
    for (const { key, value } of doc.contents.items)
      if (
        isScalar(key) &&
        isScalar(value) &&
        (value.format === 'HEX' || value.format === 'OCT') &&
        typeof value.source === 'string'
      )
        nonDecimal.set(String(key.value), value.source);
  return { data: doc.toJS(), nonDecimal };
}
