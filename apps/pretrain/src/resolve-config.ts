// Defaults < config file < flags, then the reference's derived options and every consistency check.
import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { unwritablePath } from '@relora/data/node';
import {
  OptionError,
  resolveTrainerOptions,
  TRAINER_DEFAULTS,
  type TrainerOptions,
  trainingMethod,
} from '@relora/trainer';
import { readCheckpointState } from '@relora/trainer/node';
import { readConfigFile } from './config-file';
import { findOption, type OptionValue, type OptionValues, optionDefaults } from './option-table';
import { UsageError } from './parse-value';

/** The fully resolved configuration (written to config.json), keyed by camelCase option name. */
export interface ResolvedConfig {
  values: OptionValues;
  trainer: TrainerOptions;
  saveDir: string;
}

function flagOf(key: string): string {
  return `--${findOption(key)?.flag ?? key}`;
}

function timestamp(now: Date): string {
  return now.toISOString().replace(/:/g, '-').replace(/\..*$/, '');
}

/** Applies the reference's switches: --use_peft, --relora implying ReLoRA, --max_train_tokens, pruning vs reset. */
function derive(v: Record<string, OptionValue>, explicit: Set<string>): void {
  // --method sets the mode and, where not given, its recipe's options (e.g. galore: one cosine).
  const method = typeof v.method === 'string' ? trainingMethod(v.method) : undefined;
  if (method) {
    v.mode = method.mode;
    for (const [key, value] of Object.entries(method.recipe ?? {}))
      if (!explicit.has(key)) v[key] = value as OptionValue;
  }
  if (explicit.has('usePeft') && v.usePeft !== null) {
    v.mode =
      v.usePeft === false
        ? 'full'
        : explicit.has('relora') && v.relora !== null
          ? 'relora'
          : 'lora';
  }
  if (v.mode !== 'relora' && !explicit.has('relora')) v.relora = null;
  if (v.mode === 'full' && !explicit.has('warmStartSteps')) v.warmStartSteps = 0;
  if (v.totalBatchSize === null) v.totalBatchSize = v.batchSize ?? null;
  if (v.maxTrainTokens !== null) {
    const perStep = (v.totalBatchSize as number) * (v.maxLength as number);
    v.numTrainingSteps = Math.floor((v.maxTrainTokens as number) / perStep);
    if ((v.numTrainingSteps as number) < 1) {
      throw new UsageError(
        `--max-train-tokens: ${v.maxTrainTokens} tokens is less than one update step (${perStep} tokens)`,
      );
    }
  }
  const pruning =
    (v.optimizerRandomPruning as number) > 0 || (v.optimizerMagnitudePruning as number) > 0;
  if (pruning && !explicit.has('resetOptimizerOnRelora')) v.resetOptimizerOnRelora = false;
}

/**
 * A --warmed-up-model run starts at the checkpoint's update step (its training_state.json; 0
 * without one), as the reference: the LoRA phase's schedule starts there.
 */
function warmedUpStep(v: Record<string, OptionValue>, explicit: Set<string>): void {
  const dir = v.warmedUpModel;
  if (typeof dir !== 'string') return;
  if (v.mode === 'full')
    throw new UsageError(
      '--warmed-up-model: needs --mode lora or relora (it starts the LoRA phase)',
    );
  if (!existsSync(join(dir, 'config.json')))
    throw new UsageError(`--warmed-up-model: ${dir} is not a checkpoint (no config.json)`);
  let step = 0;
  if (existsSync(join(dir, 'training_state.json'))) {
    try {
      step = readCheckpointState(dir).updateStep;
    } catch (error) {
      throw new UsageError(`--warmed-up-model: ${(error as Error).message}`);
    }
  }
  if (explicit.has('warmStartSteps') && v.warmStartSteps !== step) {
    throw new UsageError(
      `--warm-start-steps: a --warmed-up-model run starts at the checkpoint's step (${step}), got ${v.warmStartSteps}`,
    );
  }
  v.warmStartSteps = step;
}

/**
 * Upper bounds of options that would otherwise run for ages or fill the disk. The seed is used as
 * a 32-bit value (mulberry32, the data permutation), so a larger one would alias a smaller one.
 */
const LIMITS: ReadonlyArray<readonly [key: string, max: number, what: string]> = [
  ['numTrainingSteps', 1e9, ''],
  ['batchSize', 2 ** 20, ''],
  ['totalBatchSize', 2 ** 20, ''],
  ['maxLength', 2 ** 16, ''],
  ['sampleTokens', 1e5, ''],
  ['seed', 2 ** 32 - 1, ' (seeds are 32-bit)'],
];

/** Options naming a file or directory: an empty string would mean the current directory. */
const PATH_OPTIONS = [
  'saveDir',
  'resumeFrom',
  'warmedUpModel',
  'dataset',
  'modelConfig',
  'tokenizer',
];

function checkBounds(v: Record<string, OptionValue>): void {
  for (const [key, max, what] of LIMITS) {
    const n = v[key];
    if (typeof n === 'number' && n > max)
      throw new UsageError(`${flagOf(key)}: must be at most ${max}${what}, got ${n}`);
  }
  for (const key of PATH_OPTIONS) {
    if (v[key] === '') throw new UsageError(`${flagOf(key)}: expected a path, got an empty string`);
  }
}

/** The run directory must be a writable directory, or creatable in one; checked before anything is written. */
function checkSaveDir(saveDir: string): void {
  const why = unwritablePath(saveDir);
  if (why !== undefined) throw new UsageError(`--save-dir: ${why}`);
}

/** --resume-from names a checkpoint (config.json and training_state.json), not a run directory. */
function checkResumeFrom(dir: OptionValue | undefined): void {
  if (typeof dir !== 'string') return;
  const example = 'a checkpoint directory such as <run>/checkpoints/model_N';
  if (!existsSync(dir))
    throw new UsageError(`--resume-from: ${dir} does not exist; expected ${example}`);
  if (existsSync(join(dir, 'training_state.json'))) return;
  if (existsSync(join(dir, 'checkpoints')))
    throw new UsageError(
      `--resume-from: ${dir} is a run directory, not a checkpoint; expected a checkpoint directory such as ${join(dir, 'checkpoints', 'model_N')}`,
    );
  throw new UsageError(
    `--resume-from: ${dir} is not a checkpoint (no training_state.json); expected ${example}`,
  );
}

function checkAppOptions(v: Record<string, OptionValue>): void {
  checkBounds(v);
  checkResumeFrom(v.resumeFrom);
  const positive = (key: string, min: number) => {
    const n = v[key];
    if (n !== null && (typeof n !== 'number' || n < min))
      throw new UsageError(`${flagOf(key)}: must be >= ${min}, got ${n}`);
  };
  positive('keepCheckpoints', 1);
  positive('sampleTokens', 0);
  positive('logEvery', 1);
  positive('workers', 1);
  if ((v.workers as number) > (v.batchSize as number))
    throw new UsageError(
      `--workers: each worker needs at least one row of a micro-batch: at most --batch-size (${v.batchSize}), got ${v.workers}`,
    );
  // Data-parallel threads rebuild LoRA layers only, not SwitchLoRA's: refuse rather than fail later.
  if ((v.workers as number) > 1 && v.method === 'switchlora')
    throw new UsageError(`--workers: --method switchlora runs on one thread; use --workers 1`);
  const fraction = v.validationFraction as number;
  if (!(fraction > 0 && fraction < 1))
    throw new UsageError(`--validation-fraction: must be in (0, 1), got ${fraction}`);
  if (v.resumeFrom !== null && v.warmedUpModel !== null) {
    throw new UsageError(
      '--warmed-up-model: cannot be combined with --resume-from (a resume restores its own weights)',
    );
  }
  if (v.autoresume === true && v.saveDir === null) {
    throw new UsageError(
      '--autoresume: needs --save-dir (the run directory to look for checkpoints in)',
    );
  }
}

/** The trainer's options from the resolved values (same camelCase keys). */
function trainerOptionsOf(v: Record<string, OptionValue>): Partial<TrainerOptions> {
  const picked: Record<string, unknown> = {};
  for (const key of Object.keys(TRAINER_DEFAULTS)) if (key in v) picked[key] = v[key];
  return picked as Partial<TrainerOptions>;
}

/**
 * Resolves `flags` (from the command line) over the config file they name over the defaults.
 * Throws a {@link UsageError} naming the option (or file) at fault.
 */
export function resolveConfig(
  flags: Record<string, OptionValue>,
  now = new Date(),
): ResolvedConfig {
  const file = typeof flags.config === 'string' ? readConfigFile(flags.config) : {};
  // parseOptionValue checked every value of `file` and `flags` against its option's kind.
  const values = { ...optionDefaults(), ...file, ...flags } as OptionValues;
  const explicit = new Set([...Object.keys(file), ...Object.keys(flags)]);
  derive(values, explicit);
  checkAppOptions(values);
  warmedUpStep(values, explicit);
  let trainer: TrainerOptions;
  try {
    trainer = resolveTrainerOptions(trainerOptionsOf(values));
  } catch (error) {
    if (error instanceof OptionError)
      throw new UsageError(`${flagOf(error.option)}: ${error.message}`);
    throw error;
  }
  Object.assign(values, trainer);
  let saveDir = values.saveDir;
  // A resume continues its checkpoint's run: a save_dir from a config file (a copied run's
  // config.json names the original) gives way; a different --save-dir flag is refused.
  if (
    typeof values.resumeFrom === 'string' &&
    basename(dirname(values.resumeFrom)) === 'checkpoints'
  ) {
    const runDir = dirname(dirname(values.resumeFrom));
    if (typeof flags.saveDir === 'string' && resolve(flags.saveDir) !== resolve(runDir)) {
      throw new UsageError(
        `--save-dir: ${flags.saveDir} is not the run directory of --resume-from (${runDir}); leave --save-dir out, or copy the checkpoint into ${join(flags.saveDir, 'checkpoints')}`,
      );
    }
    saveDir = runDir;
  }
  saveDir ??= `runs/${timestamp(now)}`;
  checkSaveDir(saveDir);
  values.saveDir = saveDir;
  return { values, trainer, saveDir };
}

/** The resolved values under the reference's snake_case names (config.json; readable back with --config). */
export function configJson(values: Record<string, OptionValue>): Record<string, OptionValue> {
  return Object.fromEntries(
    Object.entries(values)
      .filter(([key]) => key !== 'config')
      .map(([key, value]) => [findOption(key)?.alias ?? key, value]),
  );
}
