// Every relora-pretrain option: its flag, the reference's name, its type, its default (the demo run) and its help.
import { INIT_BACKEND_DEFAULTS } from '@relora/backend';
import { type MethodName, TRAINING_METHODS } from '@relora/trainer';

/** How a value is parsed from a flag or a config file. */
export type OptionKind = 'int' | 'float' | 'string' | 'bool' | 'choice' | 'tokens';

export type OptionValue = string | number | boolean | null;

export interface CliOption<
  K extends string = string,
  T extends OptionKind = OptionKind,
  D extends OptionValue = OptionValue,
  C extends readonly string[] = readonly string[],
> {
  /** camelCase key in the resolved config (and in TrainerOptions where it is a training option). */
  key: K;
  /** kebab-case flag, without dashes. */
  flag: string;
  /** The reference's snake_case name (torchrun_main.py), accepted as `--alias` and in config files. */
  alias: string;
  kind: T;
  choices?: C;
  /** Default; these defaults are the no-argument demo run. `null`: unset. */
  default: D;
  help: string;
}

/** Options with a default that may still be unset: `--relora none` disables restarts. */
const UNSETTABLE = ['relora'] as const;

/** Whether `option` takes null (JSON/YAML) or the words null/none (flags). */
export function acceptsNull(option: CliOption): boolean {
  return option.default === null || (UNSETTABLE as readonly string[]).includes(option.key);
}

function opt<
  const K extends string,
  const T extends OptionKind,
  const D extends OptionValue,
  const C extends readonly string[] = readonly string[],
>(key: K, kind: T, def: D, help: string, choices?: C): CliOption<K, T, D, C> {
  const flag = key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  // The reference calls the config file --training_config.
  const alias = key === 'config' ? 'training_config' : flag.replace(/-/g, '_');
  return { key, flag, alias, kind, default: def, help, ...(choices ? { choices } : {}) };
}

/** All options, in the order `--help` lists them. */
export const cliOptions = [
  opt(
    'config',
    'string',
    null,
    'JSON or YAML file of options (any of these names); flags override it',
  ),
  // model and data
  opt(
    'modelConfig',
    'string',
    'demo',
    'LLaMA preset name (demo, 9m, 35m, 60m, 130m, ...) or a Hugging Face config.json',
  ),
  opt(
    'dataset',
    'string',
    'brown',
    "'brown' (embedded Brown corpus), a .txt file or directory, a .jsonl file, or a relora-pretokenize shard directory",
  ),
  opt('textField', 'string', 'text', 'field holding the text in a .jsonl dataset'),
  opt('validationFraction', 'float', 0.05, 'fraction of documents held out for validation'),
  opt('tokenizer', 'string', 'byte', "'byte', 'gpt2', or a Hugging Face tokenizer.json"),
  opt(
    'backend',
    'choice',
    'auto',
    'TensorFlow.js backend (auto: the first that loads, in this order; webgpu on a software adapter only when named)',
    ['auto', ...INIT_BACKEND_DEFAULTS.order],
  ),
  opt(
    'workers',
    'int',
    1,
    "threads computing gradients (wasm or cpu backend): whole micro-batches each when --total-batch-size / --batch-size is a multiple of it, else a share of every micro-batch's rows",
  ),
  opt(
    'distributed',
    'choice',
    'auto',
    'processes training together over MPI: auto = when started by mpirun, mpiexec or srun (their variables are set), mpi = always, none = never; each rank takes its share of every update step, rank 0 logs and saves',
    ['auto', 'mpi', 'none'],
  ),
  opt(
    'checksumEvery',
    'int',
    100,
    "across MPI ranks, compare the weights' checksums every N update steps (and after each restart); 0: only at the start and after restarts",
  ),
  // training
  opt(
    'method',
    'choice',
    null,
    `training method; sets --mode (galore and fira: full, every weight trained with rank-r projected Adam); default: --mode's. ${Object.values(
      TRAINING_METHODS,
    )
      .map((m) => `${m.name}: ${m.summary}`)
      .join('; ')}`,
    Object.keys(TRAINING_METHODS) as MethodName[],
  ),
  opt('mode', 'choice', 'relora', 'what trains: full-rank, plain LoRA, or ReLoRA', [
    'full',
    'lora',
    'relora',
  ]),
  opt(
    'usePeft',
    'bool',
    null,
    'reference switch: true = LoRA (ReLoRA when --relora is set), false = full-rank; overrides --mode',
  ),
  opt('numTrainingSteps', 'int', 500, 'update steps, warm start included'),
  opt(
    'maxTrainTokens',
    'tokens',
    null,
    'training tokens (e.g. 2M, 1B); overrides --num-training-steps',
  ),
  opt('batchSize', 'int', 8, 'sequences per micro-batch'),
  opt(
    'totalBatchSize',
    'int',
    null,
    'sequences per update step (gradient accumulation = total / batch); default: batch size',
  ),
  opt('maxLength', 'int', 64, 'tokens per sequence'),
  opt('lr', 'float', 3e-3, 'peak learning rate (of the LoRA phase when warm-started)'),
  opt('weightDecay', 'float', 0, 'AdamW weight decay'),
  opt('adamBeta1', 'float', 0.9, 'Adam beta1'),
  opt('adamBeta2', 'float', 0.999, 'Adam beta2'),
  opt('clipGradNorm', 'float', 1, 'global gradient-norm clipping; 0 disables'),
  opt('scheduler', 'choice', 'cosine_restarts', 'learning-rate schedule', [
    'cosine_restarts',
    'cosine',
    'linear',
  ]),
  opt('warmupSteps', 'int', 20, 'linear warmup steps at the start of each phase'),
  opt(
    'cycleLength',
    'int',
    null,
    'LR cycle and optimizer-reset period in update steps; default: --relora',
  ),
  opt('restartWarmupSteps', 'int', 10, 'LR warmup steps after each restart'),
  opt('minLrRatio', 'float', 0.1, 'LR floor as a fraction of the peak'),
  opt(
    'adjustStep',
    'int',
    0,
    'shift of the restart cosine, to sync restarts with a warmed-up model',
  ),
  opt(
    'warmStartSteps',
    'int',
    125,
    'full-rank update steps before switching to LoRA/ReLoRA; 0 for none',
  ),
  opt('warmStartLr', 'float', 1e-3, 'peak learning rate of the full-rank warm start'),
  // LoRA and restarts
  opt('relora', 'int', 125, 'merge-and-reinit period in update steps (ReLoRA restarts)'),
  opt('loraR', 'int', 32, 'LoRA rank'),
  opt('loraAlpha', 'float', 32, 'LoRA alpha (scaling = alpha / r)'),
  opt('loraDropout', 'float', 0.1, 'dropout on the LoRA branch input'),
  opt('trainScaling', 'bool', false, 'trainable LoRA scaling s = tanh(c)'),
  opt('resetOptimizerOnRelora', 'bool', true, 'reset the LoRA Adam moments at each restart'),
  opt(
    'optimizerRandomPruning',
    'float',
    0,
    'instead: randomly prune this fraction of the LoRA Adam moments',
  ),
  opt(
    'optimizerMagnitudePruning',
    'float',
    0,
    'instead: magnitude-prune this fraction of the LoRA Adam moments',
  ),
  opt(
    'optimizerPruningMask',
    'choice',
    'joint',
    "pruning masks of Adam's m and v: joint (one mask, by |m|/sqrt(v)) or independent (the reference's; magnitude 0.99 diverges on small models)",
    ['joint', 'independent'],
  ),
  // GaLore and Fira (the official code's names)
  opt('rank', 'int', 32, 'GaLore/Fira projection rank r; CoLA, SST and CR-Net rank'),
  opt(
    'updateProjGap',
    'int',
    50,
    'GaLore/Fira steps between projector refreshes (SVD of the gradient)',
  ),
  opt(
    'galoreScale',
    'float',
    0.25,
    "GaLore/Fira scale alpha of the projected update (Fira's alpha)",
  ),
  opt('projType', 'choice', 'std', 'GaLore projection side: std projects the shorter side', [
    'std',
  ]),
  opt('gamma', 'float', 1.01, "Fira's norm-growth limiter (1.01 in the official code)"),
  opt(
    'firaResidual',
    'choice',
    'code',
    "Fira's residual: code (the official code's: alpha on the projected part only) or paper (Algorithm 1)",
    ['code', 'paper'],
  ),
  // SwitchLoRA (the official code's names; rank, alpha and dropout are --lora-r, --lora-alpha, --lora-dropout)
  opt(
    'switchLoraInterval',
    'float',
    40,
    'SwitchLoRA: at first each LoRA vector switches about once every N update steps',
  ),
  opt(
    'switchLoraDescentRate',
    'float',
    0.1,
    'SwitchLoRA: the switch interval triples every this fraction of --num-training-steps',
  ),
  opt(
    'adamWarmStep',
    'int',
    5,
    "SwitchLoRA: update steps a switched vector's counterpart stays frozen (-1: none)",
  ),
  // SST (the paper's terms; the official code could not be read, methods.md 4.3)
  opt(
    'sstIterationInterval',
    'int',
    200,
    'SST: update steps between resamples of the --rank trained singular-vector pairs',
  ),
  opt('sstNumIterations', 'int', 4, 'SST: resamples per round; a re-SVD ends each round'),
  opt(
    'sstSampling',
    'choice',
    'sigma',
    'SST: how pairs are drawn: sigma (proportional to the singular values) or mixed (half uniform)',
    ['sigma', 'mixed'],
  ),
  // evaluation, checkpoints, output
  opt('evalEvery', 'int', 50, 'evaluate every N update steps; 0 disables'),
  opt('evalTokens', 'int', 8192, 'validation tokens per evaluation'),
  opt('saveEvery', 'int', 100, 'checkpoint every N update steps (and always at the end)'),
  opt('keepCheckpoints', 'int', null, 'keep only the newest N checkpoints; default: all'),
  opt('saveDir', 'string', null, 'run directory; default: runs/<timestamp>'),
  opt(
    'resumeFrom',
    'string',
    null,
    'checkpoint directory to resume from (model, optimizer, schedule, data cursor)',
  ),
  opt(
    'autoresume',
    'bool',
    false,
    'resume from the newest checkpoint in --save-dir if there is one',
  ),
  opt(
    'overwrite',
    'bool',
    false,
    "start a new run in a non-empty --save-dir: replaces this run's files (config.json, logs, report, checkpoints of the steps it saves), deletes nothing else",
  ),
  opt(
    'warmedUpModel',
    'string',
    null,
    "start LoRA/ReLoRA from this checkpoint's weights and step (not its optimizer)",
  ),
  opt('seed', 'int', 0, 'seed of initialisation, dropout, data order and optimizer pruning'),
  opt('sampleTokens', 'int', 200, 'tokens generated as a sample at the end; 0 disables'),
  opt('prompt', 'string', 'The ', 'prompt of the sample generation'),
  opt('logEvery', 'int', 10, 'print a plain line every N steps when not on a terminal'),
  opt('verbose', 'bool', false, 'also print the backends skipped by --backend auto, and why'),
] as const;

/** The camelCase key of every option. */
export type OptionKey = (typeof cliOptions)[number]['key'];

interface KindValues {
  int: number;
  float: number;
  tokens: number;
  string: string;
  bool: boolean;
  choice: string;
}

/** What an option's value can be once parsed: its kind's type (or its choices), null if unsettable. */
type ValueOf<O extends CliOption> =
  | (O extends { kind: 'choice'; choices?: readonly (infer C)[] } ? C : KindValues[O['kind']])
  | (O['default'] extends null
      ? null
      : O['key'] extends (typeof UNSETTABLE)[number]
        ? null
        : never);

/** Every option's value, typed by its entry in {@link cliOptions}. */
export type OptionValues = { [O in (typeof cliOptions)[number] as O['key']]: ValueOf<O> };

const byName = new Map<string, CliOption>();
for (const o of cliOptions) {
  byName.set(o.key, o);
  byName.set(o.flag, o);
  byName.set(o.alias, o);
}

/** The option called `name` in any of its spellings (camelCase, kebab-case, snake_case). */
export function findOption(name: string): CliOption | undefined {
  return byName.get(name);
}

/** The defaults as a plain object keyed by camelCase key. */
export function optionDefaults(): OptionValues {
  return Object.fromEntries(cliOptions.map((o) => [o.key, o.default])) as OptionValues;
}
