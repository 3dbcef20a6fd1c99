// Reads a JSON or YAML options file into typed option values, naming the file and key on any error.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { findOption, type OptionValue } from './option-table';
import { parseOptionValue, UsageError } from './parse-value';

/**
 * Options from `path`: keys in camelCase, kebab-case or the reference's snake_case.
 * Throws a {@link UsageError} for a missing or unreadable file, or an unknown key or bad value.
 */
export function readConfigFile(path: string): Record<string, OptionValue> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
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
