// Reads a JSON or YAML options file into typed option values, naming the file and key on any error.
import { readFileSync, statSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
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
  try {
    data = /\.json$/i.test(path) ? JSON.parse(text) : parseYaml(text);
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
    values[option.key] = parseOptionValue(option, raw, `${path}: ${name}`);
  }
  return values;
}
