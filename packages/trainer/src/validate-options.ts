// Fills in and checks TrainerOptions, with the reference's consistency rules (args_utils.py, training_utils.py).
import { requireTrainingMethod, TRAINING_METHODS, trainingMethod } from './methods/registry';
import { TRAINER_DEFAULTS, type TrainerOptions } from './options';

/** A bad option value; `option` is the TrainerOptions key at fault. */
export class OptionError extends Error {
  constructor(
    readonly option: string,
    message: string,
  ) {
    super(message);
    this.name = 'OptionError';
  }
}

type Key = keyof TrainerOptions;

function check(ok: boolean, option: Key, message: string): void {
  if (!ok) throw new OptionError(option, message);
}

function integer(o: TrainerOptions, key: Key, min: number): void {
  const v = o[key];
  check(
    typeof v === 'number' && Number.isInteger(v) && v >= min,
    key,
    `must be an integer >= ${min}, got ${v}`,
  );
}

function inRange(o: TrainerOptions, key: Key, min: number, max: number, openMax = false): void {
  const v = o[key];
  const ok =
    typeof v === 'number' && Number.isFinite(v) && v >= min && (openMax ? v < max : v <= max);
  check(ok, key, `must be in [${min}, ${max}${openMax ? ')' : ']'}, got ${v}`);
}

/** Update steps the LR schedule of the last phase spans (the reference's `num_training_steps - scheduler_start_step`). */
export function phaseSteps(o: TrainerOptions): number {
  return o.numTrainingSteps - (o.mode === 'full' ? 0 : o.warmStartSteps);
}

function checkSchedule(o: TrainerOptions): void {
  const steps = phaseSteps(o);
  check(
    o.adjustStep === 0 || o.scheduler === 'cosine_restarts',
    'adjustStep',
    'is only supported with scheduler cosine_restarts',
  );
  if (o.scheduler === 'linear') return;
  const cycle = o.cycleLength ?? steps;
  check(
    steps % cycle === 0,
    'cycleLength',
    `training steps after the warm start (${steps}) must be divisible by the cycle length (${cycle})`,
  );
  if (o.scheduler !== 'cosine_restarts') return;
  check(o.cycleLength !== null, 'cycleLength', 'is required with scheduler cosine_restarts');
  check(o.restartWarmupSteps <= cycle, 'restartWarmupSteps', `must be <= cycle length ${cycle}`);
  check(
    o.adjustStep + o.warmupSteps <= cycle,
    'warmupSteps',
    `warmup (${o.warmupSteps}) + adjust step (${o.adjustStep}) must be <= cycle length ${cycle}: the first reset would come before the warmup ends`,
  );
}

/**
 * Merges `options` over {@link TRAINER_DEFAULTS}, derives `cycleLength` (defaults to `relora`)
 * and throws an {@link OptionError} naming the first inconsistent option.
 */
export function resolveTrainerOptions(options: Partial<TrainerOptions> = {}): TrainerOptions {
  const o: TrainerOptions = { ...TRAINER_DEFAULTS, ...options };
  // A method decides the mode (galore and fira train every weight); without one, the mode is it.
  if (o.method !== null) {
    const method = trainingMethod(o.method);
    check(
      method !== undefined,
      'method',
      `must be one of ${Object.keys(TRAINING_METHODS).join(', ')}, got ${o.method}`,
    );
    o.mode = requireTrainingMethod(o.method).mode;
  }
  if (o.mode !== 'relora' && options.relora === undefined) o.relora = null;
  if (o.cycleLength === null && o.mode === 'relora') o.cycleLength = o.relora;
  check(
    ['full', 'lora', 'relora'].includes(o.mode),
    'mode',
    `must be full, lora or relora, got ${o.mode}`,
  );
  for (const key of [
    'numTrainingSteps',
    'batchSize',
    'totalBatchSize',
    'maxLength',
    'loraR',
  ] as const)
    integer(o, key, 1);
  for (const key of [
    'warmupSteps',
    'restartWarmupSteps',
    'adjustStep',
    'warmStartSteps',
    'evalEvery',
    'saveEvery',
    'seed',
  ] as const) {
    integer(o, key, 0);
  }
  integer(o, 'evalTokens', 1);
  check(
    o.totalBatchSize % o.batchSize === 0,
    'totalBatchSize',
    `must be a multiple of batchSize (${o.batchSize}), got ${o.totalBatchSize}`,
  );
  check(Number.isFinite(o.lr) && o.lr > 0, 'lr', `must be > 0, got ${o.lr}`);
  check(
    Number.isFinite(o.warmStartLr) && o.warmStartLr > 0,
    'warmStartLr',
    `must be > 0, got ${o.warmStartLr}`,
  );
  check(
    Number.isFinite(o.loraAlpha) && o.loraAlpha > 0,
    'loraAlpha',
    `must be > 0, got ${o.loraAlpha}`,
  );
  inRange(o, 'weightDecay', 0, Number.MAX_VALUE);
  inRange(o, 'clipGradNorm', 0, Number.MAX_VALUE);
  inRange(o, 'adamBeta1', 0, 1, true);
  inRange(o, 'adamBeta2', 0, 1, true);
  inRange(o, 'loraDropout', 0, 1, true);
  inRange(o, 'optimizerRandomPruning', 0, 1, true);
  inRange(o, 'optimizerMagnitudePruning', 0, 1, true);
  check(
    o.optimizerPruningMask === 'independent' || o.optimizerPruningMask === 'joint',
    'optimizerPruningMask',
    `must be independent or joint, got ${o.optimizerPruningMask}`,
  );
  check(
    o.minLrRatio > 0 && o.minLrRatio <= 1,
    'minLrRatio',
    `must be in (0, 1], got ${o.minLrRatio}`,
  );
  check(
    ['cosine_restarts', 'cosine', 'linear'].includes(o.scheduler),
    'scheduler',
    `must be cosine_restarts, cosine or linear, got ${o.scheduler}`,
  );
  if (o.cycleLength !== null) integer(o, 'cycleLength', 1);
  if (o.mode === 'relora') {
    check(
      o.relora !== null,
      'relora',
      'is required in relora mode (merge-and-reinit period in update steps)',
    );
    // The reference's `(step - start) % relora == 1` never fires for a period of 1.
    integer(o, 'relora', 2);
    if (o.cycleLength !== null) integer(o, 'cycleLength', 2);
  } else {
    check(o.relora === null, 'relora', `restarts need mode relora, got mode ${o.mode}`);
  }
  const resets = [
    o.resetOptimizerOnRelora,
    o.optimizerRandomPruning > 0,
    o.optimizerMagnitudePruning > 0,
  ];
  check(
    resets.filter(Boolean).length <= 1,
    'resetOptimizerOnRelora',
    'reset_optimizer_on_relora, optimizer_random_pruning and optimizer_magnitude_pruning are mutually exclusive',
  );
  check(
    o.mode === 'full' ? o.warmStartSteps === 0 : o.warmStartSteps < o.numTrainingSteps,
    'warmStartSteps',
    o.mode === 'full'
      ? 'a warm start needs mode lora or relora'
      : `must be < numTrainingSteps (${o.numTrainingSteps})`,
  );
  checkSchedule(o);
  o.method ??= o.mode;
  const problem = trainingMethod(o.method)?.validate?.(o);
  if (problem) throw new OptionError(problem.option, problem.message);
  return o;
}
