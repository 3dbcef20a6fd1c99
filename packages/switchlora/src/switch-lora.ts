// SwitchLoRA over a model: wraps its linears and runs the switch, the optimizer-state resets and the
// gradient freezes of every optimizer step (official switch_lora.py `switch_lora`, main.py's loop).

import { type LinearHost, mulberry32 } from '@relora/core';
import { DEFAULT_LORA_TARGETS } from '@relora/lora';
import type { AdamW, GradientMap } from '@relora/optim';
import * as tf from '@tensorflow/tfjs-core';
import {
  type ResolvedSwitchScheduleOptions,
  resolveScheduleOptions,
  type SwitchLoRALayerOptions,
  type SwitchScheduleOptions,
} from './options';
import { switchInterval, switchReplaceCount } from './schedule';
import {
  type SwitchedVectors,
  type SwitchLoRALayerMeta,
  SwitchLoRALinear,
} from './switch-lora-linear';

/** Options of {@link applySwitchLoRA}: which layers, the layer options and the schedule. */
export interface ApplySwitchLoRAOptions
  extends Omit<SwitchLoRALayerOptions, 'seed'>,
    Omit<SwitchScheduleOptions, 'seed'> {
  /**
   * Which linears to wrap: a string matches a module name containing it, a RegExp one it matches.
   * Default `@relora/lora`'s `DEFAULT_LORA_TARGETS` (q, k, v, o, gate, up, down: the official
   * `attn`, `attention`, `mlp` modules).
   */
  targets?: ReadonlyArray<string | RegExp>;
  /** Seeds each layer's pools (with its module name) and the switch counts' rounding. Default 0. */
  seed?: number;
}

/** What one step's switch did. */
export interface SwitchReport {
  /** The 0-based optimizer step. */
  step: number;
  /** I(t): the switch interval at this step. */
  interval: number;
  /** Vectors switched in A and B over all layers. */
  switched: number;
  /** Per module name, the layers that switched something. */
  layers: Map<string, SwitchedVectors>;
}

/** The switch state of a whole model, for checkpoints: JSON plus the pools' float32 data. */
export interface SwitchLoRAState {
  meta: {
    format: 'relora-switchlora';
    version: 1;
    /** Draws taken from the rounding generator so far (its position). */
    draws: number;
    options: ResolvedSwitchScheduleOptions;
    layers: Record<string, SwitchLoRALayerMeta>;
  };
  /** `${module}.candidates_A` [C, in] and `${module}.candidates_B` [C, out], row-major. */
  tensors: Record<string, Float32Array>;
}

/**
 * The switch controller. Per optimizer step, after gradient clipping (the official order:
 * backward, clip, switch, optimizer step):
 * 1. {@link switchStep}: each layer draws k = r / I(t) (stochastic rounding) and switches k
 *    vectors of A and of B; the counterparts' Adam moments and step counters are zeroed;
 * 2. {@link freezeGradients}: gradients of counterparts frozen for `adamWarmStep` steps are zeroed;
 * 3. the optimizer update, then {@link correctSliceSteps}: per-slice bias correction.
 * {@link applyGradients} does all three around `optimizer.applyGradients`.
 */
export class SwitchLoRA {
  readonly layers: ReadonlyMap<string, SwitchLoRALinear>;
  readonly options: Readonly<ResolvedSwitchScheduleOptions>;
  private uniform: () => number;
  private draws = 0;

  constructor(layers: Iterable<[string, SwitchLoRALinear]>, options: SwitchScheduleOptions) {
    this.options = resolveScheduleOptions('SwitchLoRA', options);
    this.layers = new Map(layers);
    this.uniform = mulberry32(this.options.seed);
  }

  /** `${module}.lora_A.weight` and `${module}.lora_B.weight` of every layer: what trains. */
  loraParameters(): Array<[string, tf.Variable]> {
    return [...this.layers].flatMap(([name, layer]) =>
      layer
        .namedVariables()
        .filter(([suffix]) => suffix.startsWith('lora_'))
        .map(([suffix, v]): [string, tf.Variable] => [`${name}.${suffix}`, v]),
    );
  }

  /**
   * Switches vectors in every layer at 0-based optimizer `step` and zeroes the Adam state of their
   * counterparts in `optimizer`. Call after clipping, before the update. Reads nothing.
   */
  switchStep(optimizer: AdamW, step: number): SwitchReport {
    if (!(Number.isInteger(step) && step >= 0))
      throw new RangeError(`SwitchLoRA.switchStep: step must be an integer >= 0, got ${step}`);
    const o = this.options;
    const report: SwitchReport = {
      step,
      interval: switchInterval(step, o),
      switched: 0,
      layers: new Map(),
    };
    for (const [name, layer] of this.layers) {
      if (layer.canSwitch) {
        const requested = switchReplaceCount(layer.rank, step, o, this.draw);
        const switched = layer.switchStep(requested, o.adamWarmStep);
        if (switched.slotsA.length + switched.slotsB.length > 0) {
          report.layers.set(name, switched);
          report.switched += switched.slotsA.length + switched.slotsB.length;
        }
      }
      layer.resetSwitchedStates(optimizer, o);
    }
    return report;
  }

  /**
   * `grads` with the frozen columns of A and rows of B zeroed, in the same container type, and
   * counts every freeze down by one step. Entries it did not change are `grads`' own tensors;
   * `created` lists the new ones (the caller disposes them). Reads nothing.
   */
  freezeGradients(grads: GradientMap): { grads: GradientMap; created: tf.Tensor[] } {
    const created: tf.Tensor[] = [];
    const replaced = new Map<tf.Variable, tf.Tensor>();
    const lookup = (v: tf.Variable) => (grads instanceof Map ? grads.get(v) : grads[v.name]);
    for (const layer of this.layers.values()) {
      const masks = layer.takeGradientMasks();
      for (const [variable, mask, shape] of [
        [layer.loraA, masks.a, [1, layer.rank]],
        [layer.loraB, masks.b, [layer.rank, 1]],
      ] as const) {
        const grad = lookup(variable);
        if (!mask || !grad) continue;
        const masked = tf.tidy(() => tf.mul(grad, tf.tensor2d(mask, shape as [number, number])));
        created.push(masked);
        replaced.set(variable, masked);
      }
    }
    if (grads instanceof Map) {
      const out = new Map(grads);
      for (const [v, g] of replaced) out.set(v, g);
      return { grads: out, created };
    }
    const out: tf.NamedTensorMap = { ...grads };
    for (const [v, g] of replaced) out[v.name] = g;
    return { grads: out, created };
  }

  /** After `optimizer.applyGradients(..., { lr })`: per-slice bias correction of every A and B. */
  correctSliceSteps(optimizer: AdamW, lr: number): void {
    for (const layer of this.layers.values()) layer.correctSliceSteps(optimizer, lr);
  }

  /**
   * One SwitchLoRA optimizer step: {@link switchStep}, {@link freezeGradients},
   * `optimizer.applyGradients(grads, { lr })`, {@link correctSliceSteps}. `grads` (already clipped)
   * stay the caller's; `lr` defaults to `optimizer.lr`. Leaks no tensor, reads nothing.
   */
  applyGradients(
    optimizer: AdamW,
    grads: GradientMap,
    { step, lr = optimizer.lr }: { step: number; lr?: number },
  ): SwitchReport {
    const report = this.switchStep(optimizer, step);
    const frozen = this.freezeGradients(grads);
    try {
      optimizer.applyGradients(frozen.grads, { lr });
    } finally {
      tf.dispose(frozen.created);
    }
    this.correctSliceSteps(optimizer, lr);
    return report;
  }

  /** Every layer's switch state and the generator's position (the pools read in one wait). */
  async state(): Promise<SwitchLoRAState> {
    const names = [...this.layers.keys()];
    const states = await Promise.all(names.map((name) => this.layers.get(name)!.switchState()));
    const meta: SwitchLoRAState['meta'] = {
      format: 'relora-switchlora',
      version: 1,
      draws: this.draws,
      options: { ...this.options },
      layers: {},
    };
    const tensors: Record<string, Float32Array> = {};
    names.forEach((name, i) => {
      const s = states[i]!;
      meta.layers[name] = s.meta;
      tensors[`${name}.candidates_A`] = s.candidatesA;
      tensors[`${name}.candidates_B`] = s.candidatesB;
    });
    return { meta, tensors };
  }

  /**
   * Restores {@link state} into these layers (same module names and shapes) and moves the
   * generator to the saved position. Checks the layer set first; each layer checks its own part.
   */
  restoreState(state: SwitchLoRAState): void {
    const { meta, tensors } = state;
    if (meta?.format !== 'relora-switchlora' || meta.version !== 1)
      throw new Error(
        `SwitchLoRA.restoreState: not a relora-switchlora v1 state (format ${meta?.format})`,
      );
    const saved = Object.keys(meta.layers).sort().join(', ');
    const live = [...this.layers.keys()].sort().join(', ');
    if (saved !== live)
      throw new Error(
        `SwitchLoRA.restoreState: the state holds layers [${saved}], this model [${live}]`,
      );
    if (!(Number.isInteger(meta.draws) && meta.draws >= 0))
      throw new Error(`SwitchLoRA.restoreState: draws must be an integer >= 0, got ${meta.draws}`);
    for (const [name, layer] of this.layers) {
      layer.restoreSwitchState({
        meta: meta.layers[name]!,
        candidatesA: tensors[`${name}.candidates_A`]!,
        candidatesB: tensors[`${name}.candidates_B`]!,
      });
    }
    this.uniform = mulberry32(this.options.seed);
    for (let i = 0; i < meta.draws; i++) this.uniform();
    this.draws = meta.draws;
  }

  private readonly draw = (): number => {
    this.draws += 1;
    return this.uniform();
  };
}

/**
 * Replaces every linear of `host` whose module name matches `targets` with a
 * {@link SwitchLoRALinear} and returns the {@link SwitchLoRA} controller over them. Each layer's
 * pools are seeded from `seed` and its module name. Throws if no layer matches or one is already
 * a SwitchLoRA layer.
 */
export function applySwitchLoRA(host: LinearHost, options: ApplySwitchLoRAOptions): SwitchLoRA {
  const { targets = DEFAULT_LORA_TARGETS, seed = 0, rank, alpha, dropout, ...schedule } = options;
  if (targets.length === 0)
    throw new Error('applySwitchLoRA: targets is empty; name at least one module pattern');
  // Checked before any layer is wrapped, so a bad option changes nothing.
  resolveScheduleOptions('applySwitchLoRA', { ...schedule, seed });
  const matches = (name: string) =>
    targets.some((t) => (typeof t === 'string' ? name.includes(t) : t.test(name)));
  const linears = host.namedLinears();
  const layers: Array<[string, SwitchLoRALinear]> = [];
  for (const [name, layer] of linears) {
    if (!matches(name)) continue;
    if ((layer as unknown) instanceof SwitchLoRALinear)
      throw new Error(`applySwitchLoRA: '${name}' is already a SwitchLoRA layer`);
    const wrapped = new SwitchLoRALinear(layer, { rank, alpha, dropout, seed: `${seed}:${name}` });
    host.setLinear(name, wrapped);
    layers.push([name, wrapped]);
  }
  if (layers.length === 0) {
    const names = linears.map(([name]) => name);
    throw new Error(
      `applySwitchLoRA: no linear layer matches targets [${targets.map(String).join(', ')}]; ` +
        `the host has [${names.slice(0, 8).join(', ')}${names.length > 8 ? ', ...' : ''}]`,
    );
  }
  return new SwitchLoRA(layers, { ...schedule, seed });
}
