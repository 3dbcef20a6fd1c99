// Command-line flags to typed option values with commander; snake_case reference names are rewritten to kebab-case first.
import { Command, CommanderError, Option } from 'commander';
import { type CliOption, cliOptions, findOption, type OptionValue } from './option-table';
import { parseOptionValue, UsageError } from './parse-value';

/** What the command line asked for: values given explicitly, or the help text. */
export type ParsedArgs =
  | { kind: 'run'; flags: Record<string, OptionValue> }
  | { kind: 'help'; text: string };

function describeDefault(option: CliOption): string {
  // Unset by default: the help says what stands in (e.g. "default: batch size"), or nothing does.
  if (option.default === null) return /default:/.test(option.help) ? '' : ' (default: none)';
  return ` (default: ${typeof option.default === 'string' ? JSON.stringify(option.default) : option.default})`;
}

function buildProgram(): Command {
  const program = new Command('relora-pretrain')
    .description(
      'Pretrain a LLaMA-style model with ReLoRA (full-rank warm start, LoRA merges, optimizer resets, jagged cosine LR).\nWith no arguments: a demo of a few minutes on the Brown corpus (4 ReLoRA restarts).',
    )
    .helpOption('-h, --help', 'show this help')
    .allowExcessArguments(false)
    .exitOverride()
    .configureOutput({ writeOut: () => {}, writeErr: () => {} });
  for (const option of cliOptions) {
    const value =
      option.kind === 'bool'
        ? '[bool]'
        : `<${option.kind === 'choice' ? option.choices?.join('|') : option.kind}>`;
    const alias = option.alias !== option.flag ? ` [alias --${option.alias}]` : '';
    program.addOption(
      new Option(`--${option.flag} ${value}`, `${option.help}${describeDefault(option)}${alias}`),
    );
  }
  return program;
}

/** Rewrites `--lora_r 8` / `--lora_r=8` to `--lora-r ...` so commander sees one name per option. */
function normalise(argv: readonly string[]): string[] {
  return argv.map((arg) => {
    const match = /^--([A-Za-z0-9_]+)(=.*)?$/.exec(arg);
    if (!match) return arg;
    const option = findOption(match[1] ?? '');
    return option ? `--${option.flag}${match[2] ?? ''}` : arg;
  });
}

/** The help text: every option with its type, default and reference alias. */
export function helpText(): string {
  return buildProgram().helpInformation();
}

/**
 * Parses `argv` (without node and script). Throws a {@link UsageError} naming the flag for an
 * unknown flag, a missing value, or a value of the wrong type.
 */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  const program = buildProgram();
  try {
    program.parse(normalise(argv), { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.help') {
        return { kind: 'help', text: program.helpInformation() };
      }
      throw new UsageError(error.message.replace(/^error: /, '').replace(/\s*\n\s*/g, ' '));
    }
    throw error;
  }
  const flags: Record<string, OptionValue> = {};
  for (const [name, raw] of Object.entries(program.opts())) {
    const option = cliOptions.find((o) => o.key === name);
    if (!option) continue;
    // An optional-value boolean flag given bare (`--train-scaling`) arrives as `true`.
    flags[option.key] = parseOptionValue(option, raw, `--${option.flag}`);
  }
  return { kind: 'run', flags };
}
