// The configurations a quality comparison trains: the paper's Table 2 columns and its ablations, per reset mode.
import type { QualityOptions } from './options';

/** How the LoRA Adam moments are reset at a restart, as relora-pretrain flags. */
export interface ResetMode {
  id: 'zero' | 'random' | 'magnitude' | 'joint';
  label: string;
  args: string[];
}

/** The reset modes compared: the reference's three (independent masks) and the joint-mask variant. */
export const RESET_MODES: readonly ResetMode[] = [
  { id: 'zero', label: 'full reset', args: ['--reset-optimizer-on-relora', 'true'] },
  {
    id: 'random',
    label: 'random pruning 0.99',
    args: ['--optimizer-random-pruning', '0.99', '--optimizer-pruning-mask', 'independent'],
  },
  {
    id: 'magnitude',
    label: 'magnitude pruning 0.99',
    args: ['--optimizer-magnitude-pruning', '0.99', '--optimizer-pruning-mask', 'independent'],
  },
  {
    id: 'joint',
    label: 'magnitude 0.99, joint mask',
    args: ['--optimizer-magnitude-pruning', '0.99', '--optimizer-pruning-mask', 'joint'],
  },
];

/** Which row of the paper's 130M ablation (Table 2 / Section 4) a configuration matches. */
export type PaperRow =
  | 'full-rank'
  | 'lora'
  | 'lora-warm-start'
  | 'relora'
  | 'restarts-only'
  | 'no-jagged'
  | 'no-warm-start'
  /** Another low-rank method (GaLore, Fira, SwitchLoRA, CoLA, CR-Net, SST): no row in the ReLoRA paper. */
  | 'method';

/** One configuration: its id, what it is, and its relora-pretrain flags. */
export interface QualityConfig {
  /** e.g. `relora-zero`; also the run's folder name. */
  id: string;
  label: string;
  paperRow: PaperRow;
  /** The reset mode, for configurations that reset the optimizer. */
  reset?: ResetMode['id'];
  /** relora-pretrain flags on top of the common ones (steps, seed, data, evaluation). */
  args(o: QualityOptions): string[];
}

const num = (x: number) => String(x);

/** Full-rank training for all steps at the full-rank LR, one cosine. */
const fullRank: QualityConfig = {
  id: 'full-rank',
  label: 'full rank',
  paperRow: 'full-rank',
  args: (o) => ['--mode', 'full', '--scheduler', 'cosine', '--lr', num(o.warmStartLr)],
};

/** Plain LoRA from scratch (no frozen weight, as the reference's lora_only), one cosine. */
const lora: QualityConfig = {
  id: 'lora',
  label: 'LoRA',
  paperRow: 'lora',
  args: (o) => [
    '--mode',
    'lora',
    '--warm-start-steps',
    '0',
    '--scheduler',
    'cosine',
    '--lr',
    num(o.lr),
  ],
};

const warmStart = (o: QualityOptions) => [
  '--warm-start-steps',
  num(o.warmStartSteps),
  '--warm-start-lr',
  num(o.warmStartLr),
];

/** LoRA after the full-rank warm start, no restarts, one cosine. */
const loraWarmStart: QualityConfig = {
  id: 'lora-warm-start',
  label: 'LoRA + warm start',
  paperRow: 'lora-warm-start',
  args: (o) => ['--mode', 'lora', ...warmStart(o), '--scheduler', 'cosine', '--lr', num(o.lr)],
};

const relora = (o: QualityOptions) => [
  '--mode',
  'relora',
  '--relora',
  num(o.relora),
  '--scheduler',
  'cosine_restarts',
  '--lr',
  num(o.lr),
];

/**
 * Merges without an optimizer reset or a jagged LR: with --restart-warmup-steps 0 the
 * cosine_restarts schedule is the plain cosine of the LoRA phase.
 */
const restartsOnly: QualityConfig = {
  id: 'restarts-only',
  label: 'ablation: restarts only',
  paperRow: 'restarts-only',
  args: (o) => [
    ...relora(o),
    ...warmStart(o),
    '--reset-optimizer-on-relora',
    'false',
    '--restart-warmup-steps',
    '0',
  ],
};

/** The configurations that reset the optimizer, once per reset mode. */
function perReset(mode: ResetMode): QualityConfig[] {
  return [
    {
      id: `relora-${mode.id}`,
      label: `ReLoRA, ${mode.label}`,
      paperRow: 'relora',
      reset: mode.id,
      args: (o) => [...relora(o), ...warmStart(o), ...mode.args],
    },
    {
      id: `no-jagged-${mode.id}`,
      label: `ablation: restarts + reset, no jagged LR, ${mode.label}`,
      paperRow: 'no-jagged',
      reset: mode.id,
      args: (o) => [...relora(o), ...warmStart(o), ...mode.args, '--restart-warmup-steps', '0'],
    },
    {
      id: `no-warm-start-${mode.id}`,
      label: `ablation: no warm start, ${mode.label}`,
      paperRow: 'no-warm-start',
      reset: mode.id,
      args: (o) => [...relora(o), '--warm-start-steps', '0', ...mode.args],
    },
  ];
}

/**
 * The other methods of `relora-pretrain --method`, from scratch for all steps at the LoRA-phase LR
 * and rank 32 (d / 4 on the demo model), each with its own recipe's schedule. Their LRs are not
 * tuned per method: equal steps, equal tokens, one LR.
 */
function methodConfig(method: string, label: string, rankFlag = '--rank'): QualityConfig {
  return {
    id: method,
    label,
    paperRow: 'method',
    args: (o) => ['--method', method, rankFlag, '32', '--warm-start-steps', '0', '--lr', num(o.lr)],
  };
}

/** The methods beside ReLoRA; not in the default set (`--configs methods` runs them with full rank). */
export const METHOD_CONFIGS: readonly QualityConfig[] = [
  methodConfig('galore', 'GaLore r 32'),
  methodConfig('fira', 'Fira r 32'),
  methodConfig('switchlora', 'SwitchLoRA r 32', '--lora-r'),
  methodConfig('cola', 'CoLA r 32'),
  methodConfig('crnet', 'CR-Net r 32'),
  methodConfig('sst', 'SST r 32'),
];

/** Every configuration of the default set, in the order the table lists them. */
export const QUALITY_CONFIGS: readonly QualityConfig[] = [
  fullRank,
  lora,
  loraWarmStart,
  restartsOnly,
  ...RESET_MODES.flatMap(perReset),
];

/** Named groups `--configs` accepts besides ids. */
const CONFIG_GROUPS: Record<string, readonly string[]> = {
  methods: ['full-rank', 'relora-joint', ...METHOD_CONFIGS.map((c) => c.id)],
};

/**
 * The configurations named by `ids` (the default set when null; a group name such as `methods`
 * stands for its ids), in table order; throws on an unknown id.
 */
export function selectConfigs(ids: readonly string[] | null): QualityConfig[] {
  if (ids === null) return [...QUALITY_CONFIGS];
  const all = [...QUALITY_CONFIGS, ...METHOD_CONFIGS];
  const wanted = ids.flatMap((id) => CONFIG_GROUPS[id] ?? [id]);
  const known = new Set(all.map((c) => c.id));
  const unknown = wanted.filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new RangeError(
      `--configs: unknown configuration ${unknown.join(', ')}; expected some of ${[...known, ...Object.keys(CONFIG_GROUPS)].join(', ')}`,
    );
  }
  return all.filter((c) => wanted.includes(c.id));
}

/**
 * Why these options cannot run every chosen configuration, or undefined: the jagged schedule
 * needs the LoRA phase (steps, or steps minus the warm start) to be a whole number of periods.
 */
export function checkPeriods(
  o: QualityOptions,
  configs: readonly QualityConfig[],
): string | undefined {
  const phases = new Set<number>();
  for (const c of configs) {
    if (c.paperRow === 'no-warm-start') phases.add(o.steps);
    else if (c.reset !== undefined || c.paperRow === 'restarts-only')
      phases.add(o.steps - o.warmStartSteps);
  }
  for (const phase of phases) {
    if (phase <= 0 || phase % o.relora !== 0) {
      return `--relora ${o.relora} must divide the LoRA phase of ${phase} steps (--steps ${o.steps}, --warm-start-steps ${o.warmStartSteps}); with the no-warm-start ablation it must divide both`;
    }
  }
  return undefined;
}
