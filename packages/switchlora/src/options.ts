// Options of SwitchLoRA and their defaults: the new release of the official code
// (asfsdsf/SwitchLoRA f9a174e, switchlora/switch_lora.py `add_parse_switch_lora_args`).

/** How the switching rate decays over training (`switch_descend_type`). */
export type SwitchDescendType = 'exponential' | 'Z';

/** Options of one {@link SwitchLoRALinear} layer. */
export interface SwitchLoRALayerOptions {
  /** LoRA rank r: A is [in, r], B is [r, out]. Official `lora_rank`; default 128. */
  rank?: number;
  /** Scale numerator: s = alpha / rank. Official `lora_alpha`; default 1 (s = 1/r). */
  alpha?: number;
  /** Dropout on the LoRA branch's input, training only, in [0, 1). Official `lora_dropout`; default 0. */
  dropout?: number;
  /** Seed of the candidate pools and of dropout masks. Default: unseeded. */
  seed?: number | string;
}

/** Options of the switch schedule and optimizer handling, over all layers ({@link SwitchLoRA}). */
export interface SwitchScheduleOptions {
  /**
   * Training length in optimizer steps (the official `num_training_steps`); the rate decays over
   * `switchLoraDescentRate * totalSteps` steps. Required.
   */
  totalSteps: number;
  /** I0: at first each vector switches about once every this many steps. Official `switch_lora_interval`; default 40. */
  switchLoraInterval?: number;
  /** rho: the interval triples every rho * totalSteps steps. Official `switch_lora_descent_rate`; default 0.1. */
  switchLoraDescentRate?: number;
  /**
   * N_freeze: a switched vector's counterpart is frozen (gradient zeroed) for this many optimizer
   * steps, the current one included. -1: no freezing (states are still zeroed). Official
   * `adam_warm_step`; default 5. 0 is refused, as the official help says.
   */
  adamWarmStep?: number;
  /** Decay shape. Official `switch_descend_type`; default 'exponential'. */
  switchDescendType?: SwitchDescendType;
  /** Keep the interval at I0 for the whole run. Official `fix_switch_lora_interval`; default false. */
  fixSwitchLoraInterval?: boolean;
  /** Keep the counterpart's Adam moments at a switch. Official `remain_switch_state`; default false. */
  remainSwitchState?: boolean;
  /** Keep the counterpart's Adam step counter at a switch. Official `remain_switch_step_state`; default false. */
  remainSwitchStepState?: boolean;
  /** Seed of the stochastic rounding of the number of vectors to switch. Default 0. */
  seed?: number;
}

/** Defaults of {@link SwitchLoRALayerOptions} and {@link SwitchScheduleOptions}. */
export const SWITCHLORA_DEFAULTS = {
  rank: 128,
  alpha: 1,
  dropout: 0,
  switchLoraInterval: 40,
  switchLoraDescentRate: 0.1,
  adamWarmStep: 5,
  switchDescendType: 'exponential',
  fixSwitchLoraInterval: false,
  remainSwitchState: false,
  remainSwitchStepState: false,
  seed: 0,
} as const;

/** Schedule options with defaults filled in and checked. */
export type ResolvedSwitchScheduleOptions = Required<SwitchScheduleOptions>;

/** Fills the schedule defaults; throws a one-line error naming a bad value. */
export function resolveScheduleOptions(
  who: string,
  options: SwitchScheduleOptions,
): ResolvedSwitchScheduleOptions {
  const d = SWITCHLORA_DEFAULTS;
  const o: ResolvedSwitchScheduleOptions = {
    totalSteps: options.totalSteps,
    switchLoraInterval: options.switchLoraInterval ?? d.switchLoraInterval,
    switchLoraDescentRate: options.switchLoraDescentRate ?? d.switchLoraDescentRate,
    adamWarmStep: options.adamWarmStep ?? d.adamWarmStep,
    switchDescendType: options.switchDescendType ?? d.switchDescendType,
    fixSwitchLoraInterval: options.fixSwitchLoraInterval ?? d.fixSwitchLoraInterval,
    remainSwitchState: options.remainSwitchState ?? d.remainSwitchState,
    remainSwitchStepState: options.remainSwitchStepState ?? d.remainSwitchStepState,
    seed: options.seed ?? d.seed,
  };
  const fail = (what: string) => {
    throw new RangeError(`${who}: ${what}`);
  };
  if (!(Number.isInteger(o.totalSteps) && o.totalSteps > 0))
    fail(`totalSteps must be a positive integer, got ${o.totalSteps}`);
  if (!(Number.isFinite(o.switchLoraInterval) && o.switchLoraInterval > 0))
    fail(`switchLoraInterval must be a number > 0, got ${o.switchLoraInterval}`);
  if (!(Number.isFinite(o.switchLoraDescentRate) && o.switchLoraDescentRate > 0))
    fail(`switchLoraDescentRate must be a number > 0, got ${o.switchLoraDescentRate}`);
  if (!(Number.isInteger(o.adamWarmStep) && (o.adamWarmStep >= 1 || o.adamWarmStep === -1)))
    fail(`adamWarmStep must be an integer >= 1, or -1 for no freezing, got ${o.adamWarmStep}`);
  if (o.switchDescendType !== 'exponential' && o.switchDescendType !== 'Z')
    fail(`switchDescendType must be 'exponential' or 'Z', got '${o.switchDescendType}'`);
  if (!Number.isInteger(o.seed)) fail(`seed must be an integer, got ${o.seed}`);
  return o;
}
