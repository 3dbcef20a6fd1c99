// Turns a flag's text or a config file's value into a typed option value, or a one-line usage error.
import { acceptsNull, type CliOption, type OptionValue } from './option-table';

/** Bad input from the user: the CLI prints the message and exits with code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

const SUFFIX: Record<string, number> = { K: 1e3, M: 1e6, B: 1e9 };

/** Decimal notation only: no hex, octal or binary, no Infinity; `_` may group digits. */
const DECIMAL_INT = /^[+-]?\d+$/;
const DECIMAL_FLOAT = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

function parseNumber(text: string, integer: boolean): number | undefined {
  const trimmed = text.trim().replace(/(\d)_(?=\d)/g, '$1');
  if (!(integer ? DECIMAL_INT : DECIMAL_FLOAT).test(trimmed)) return undefined;
  const n = Number(trimmed);
  if (!Number.isFinite(n) || (integer && !Number.isSafeInteger(n))) return undefined;
  return n;
}

function parseTokens(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)([KMB]?)$/i.exec(text.trim().replace(/_/g, ''));
  if (!match) return undefined;
  const n = Number(match[1]) * (SUFFIX[(match[2] ?? '').toUpperCase()] ?? 1);
  return Number.isInteger(n) ? n : Math.floor(n);
}

/**
 * Parses `raw` (flag text, or a JSON/YAML value) for `option`; `where` names the source in
 * errors (`--lr`, `config.yaml: lr`). `null` clears an option that has a null default.
 */
export function parseOptionValue(option: CliOption, raw: unknown, where: string): OptionValue {
  const nullable = acceptsNull(option);
  if (raw === null || raw === undefined || (nullable && /^(null|none)$/i.test(String(raw)))) {
    if (nullable) return null;
    throw new UsageError(`${where}: a value is required`);
  }
  const text = String(raw);
  const fail = (expected: string, note = ''): never => {
    throw new UsageError(`${where}: expected ${expected}, got "${text}"${note}`);
  };
  switch (option.kind) {
    case 'int':
      return typeof raw === 'number' && Number.isSafeInteger(raw)
        ? raw
        : (parseNumber(text, true) ?? fail('an integer', ' (decimal digits only, at most 2^53)'));
    case 'float':
      return typeof raw === 'number' && Number.isFinite(raw)
        ? raw
        : (parseNumber(text, false) ?? fail('a number', ' (decimal notation only)'));
    case 'tokens':
      return typeof raw === 'number'
        ? raw
        : (parseTokens(text) ?? fail('a token count such as 5000000, 5M or 1B'));
    case 'bool':
      if (typeof raw === 'boolean') return raw;
      if (/^(true|1|yes)$/i.test(text)) return true;
      if (/^(false|0|no)$/i.test(text)) return false;
      return fail('true or false');
    case 'choice':
      return option.choices?.includes(text) ? text : fail(`one of ${option.choices?.join(', ')}`);
    case 'string':
      return typeof raw === 'object' ? fail('a string') : text;
  }
}
