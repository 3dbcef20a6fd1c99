// switchlora: LoRA whose rank-1 vectors are switched from candidate pools (Zhou et al. 2024) as a trainer method.
import type { LoRARngState } from '@relora/lora';
import {
  applySwitchLoRA,
  type ResolvedSwitchScheduleOptions,
  SWITCHLORA_DEFAULTS,
  type SwitchLoRA,
  type SwitchLoRAState,
  switchInterval,
} from '@relora/switchlora';
import type { TrainerOptions } from '../options';
import { adamwOptimizer } from './adamw-method';
import type {
  MethodContext,
  MethodModel,
  MethodOptimizer,
  MethodState,
  OptionProblem,
  TrainingMethod,
} from './training-method';

// The controller of each model prepareModel wrapped, found again by create: a method is one object
// shared by every trainer, so per-model state cannot live on it.
const controllers = new WeakMap<object, SwitchLoRA>();

type DropoutCounters = Record<string, LoRARngState>;

function switchLoraOptimizer(context: MethodContext): MethodOptimizer {
  const switchLoRA = controllers.get(context.model);
  if (!switchLoRA)
    throw new Error('switchlora: the model was not wrapped (prepareModel) before its optimizer');
  const { adamw } = adamwOptimizer(context);
  return {
    adamw,
    linears: switchLoRA.layers,
    // AdamW counts its updates, and a switchlora run has no warm start: adamw.step is the 0-based
    // update step (restored with the optimizer on a resume).
    applyGradients: (grads, lr) => {
      switchLoRA.applyGradients(adamw, grads, { step: adamw.step, lr });
    },
    async saveState(): Promise<MethodState> {
      const { meta, tensors } = await switchLoRA.state();
      const out: MethodState['tensors'] = {};
      for (const [name, layer] of switchLoRA.layers) {
        for (const [suffix, pool] of layer.candidateVariables()) {
          const key = `${name}.${suffix}`;
          out[key] = { shape: [...pool.shape], data: tensors[key] as Float32Array };
        }
      }
      // The dropout counters pick the next masks: a resume continues their streams.
      const dropout: DropoutCounters = {};
      for (const [name, layer] of switchLoRA.layers) dropout[name] = layer.rngState();
      return { meta: { ...meta, dropout }, tensors: out };
    },
    loadState(saved) {
      const { dropout, ...meta } = saved.meta as unknown as SwitchLoRAState['meta'] & {
        dropout?: DropoutCounters;
      };
      const tensors: Record<string, Float32Array> = {};
      for (const [key, t] of Object.entries(saved.tensors)) tensors[key] = t.data;
      switchLoRA.restoreState({ meta, tensors });
      for (const [name, layer] of switchLoRA.layers) {
        const counters = dropout?.[name];
        if (counters) layer.restoreRngState(counters);
      }
    },
    dispose: () => adamw.dispose(),
  };
}

function validate(o: TrainerOptions): OptionProblem | undefined {
  if (!(Number.isInteger(o.loraR) && o.loraR >= 1))
    return { option: 'loraR', message: `must be an integer >= 1, got ${o.loraR}` };
  if (!(Number.isFinite(o.switchLoraInterval) && o.switchLoraInterval > 0))
    return {
      option: 'switchLoraInterval',
      message: `must be a number > 0, got ${o.switchLoraInterval}`,
    };
  if (!(Number.isFinite(o.switchLoraDescentRate) && o.switchLoraDescentRate > 0))
    return {
      option: 'switchLoraDescentRate',
      message: `must be a number > 0, got ${o.switchLoraDescentRate}`,
    };
  if (!(Number.isInteger(o.adamWarmStep) && (o.adamWarmStep >= 1 || o.adamWarmStep === -1)))
    return {
      option: 'adamWarmStep',
      message: `must be an integer >= 1, or -1 for no freezing, got ${o.adamWarmStep}`,
    };
  // The official code stops when a vector could switch again while its counterpart is frozen.
  if (o.switchLoraInterval < 2 * o.adamWarmStep)
    return {
      option: 'switchLoraInterval',
      message: `must be at least 2 * adamWarmStep = ${2 * o.adamWarmStep}, got ${o.switchLoraInterval}`,
    };
  return undefined;
}

/** `switchlora`: LoRA factors (s = loraAlpha / loraR) whose vectors switch from candidate pools. */
export const SWITCHLORA_METHOD: TrainingMethod = {
  name: 'switchlora',
  summary:
    'LoRA whose rank-1 vectors switch for pool candidates every step, folded into W (Zhou et al. 2024)',
  describe: (o) =>
    `SwitchLoRA (rank ${o.loraR} on attention and MLP, switch interval ${o.switchLoraInterval} ` +
    `at first, ${Math.round(switchInterval(o.numTrainingSteps - 1, scheduleOf(o)))} at the end, ` +
    `counterparts frozen ${o.adamWarmStep} steps)`,
  // W is frozen (trainable = false) by the wrap; everything still trainable trains.
  mode: 'full',
  // The official code's: s = 1/r (lora_alpha 1), no LoRA dropout, one cosine.
  recipe: { scheduler: 'cosine', loraAlpha: 1, loraDropout: 0 },
  resumeInvariants: [
    'loraR',
    'loraAlpha',
    'loraDropout',
    'switchLoraInterval',
    'switchLoraDescentRate',
    'adamWarmStep',
    'numTrainingSteps',
  ],
  validate,
  prepareModel(model: MethodModel, o: TrainerOptions) {
    controllers.set(
      model,
      applySwitchLoRA(model, {
        rank: o.loraR,
        alpha: o.loraAlpha,
        dropout: o.loraDropout,
        ...scheduleOf(o),
      }),
    );
  },
  create: switchLoraOptimizer,
};

/** The schedule options of `@relora/switchlora` from the trainer's; the rest at their defaults. */
function scheduleOf(o: TrainerOptions): ResolvedSwitchScheduleOptions {
  const { rank, alpha, dropout, ...defaults } = SWITCHLORA_DEFAULTS; // layer options come from lora*
  return {
    ...defaults,
    totalSteps: o.numTrainingSteps,
    switchLoraInterval: o.switchLoraInterval,
    switchLoraDescentRate: o.switchLoraDescentRate,
    adamWarmStep: o.adamWarmStep,
    seed: o.seed,
  };
}
