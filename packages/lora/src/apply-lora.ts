// Wraps a model's linear layers with LoRA, by module name, and handles them as one (ReLoRA restarts, counts, delta).

import type { LinearHost } from '@relora/core';
import type * as tf from '@tensorflow/tfjs-core';
import { subSeed } from './init';
import { LoRALinear } from './lora-linear';
import type { LoRALinearOptions } from './options';

/** Module-name patterns the reference wraps: every attention and MLP projection of a LLaMA block. */
export const DEFAULT_LORA_TARGETS: readonly string[] = [
  'q_proj',
  'k_proj',
  'v_proj',
  'o_proj',
  'gate_proj',
  'up_proj',
  'down_proj',
];

/** Options of {@link applyLoRA}: which layers, plus the {@link LoRALinearOptions} for each. */
export interface ApplyLoRAOptions extends LoRALinearOptions {
  /**
   * Which linears to wrap: a string matches a module name containing it (the reference's
   * `target_key in module_name`), a RegExp one it matches. Default {@link DEFAULT_LORA_TARGETS}.
   * Each layer's seed is derived from `seed` and its module name.
   */
  targets?: ReadonlyArray<string | RegExp>;
}

/** Element counts over the host's linear layers. */
export interface LoRAParameterCounts {
  /** Entries of A, B (and c) of all LoRA layers. */
  lora: number;
  /** Entries of all trainable variables (LoRA factors plus linears left unwrapped). */
  trainable: number;
  /** Entries of frozen variables (wrapped kernels and biases). */
  frozen: number;
  total: number;
}

/** What {@link applyLoRA} returns: the wrapped layers and operations over all of them. */
export interface LoRAHandle {
  /** Module name -> its LoRA layer, in the host's order. */
  readonly layers: ReadonlyMap<string, LoRALinear>;
  /** `${module}.lora_A.weight`, `.lora_B.weight`, `.lora_scaling` of every LoRA layer. */
  loraParameters(): Array<[string, tf.Variable]>;
  /** Every trainable variable of the host's linears, `${module}.${suffix}` (embeddings and norms are the model's to list). */
  trainableParameters(): Array<[string, tf.Variable]>;
  /** Element counts of the above. */
  parameterCounts(): LoRAParameterCounts;
  /** ReLoRA restart of every layer (W += s·A·B, re-init A, B = 0); returns how many layers merged. */
  mergeAndReinit(): number;
  /**
   * Module name -> the total LoRA update since wrapping, [in, out] float32 (see
   * {@link LoRALinear.updateDelta}; after a restart it needs `trackDelta: true`). The caller disposes them.
   */
  updateDelta(options?: { includePending?: boolean }): Map<string, tf.Tensor2D>;
}

/**
 * Replaces every linear of `host` whose module name matches `targets` with a {@link LoRALinear}.
 * The wrapped kernel (and bias) become `trainable = false`; other layers are left as they were.
 * With `loraOnly` the original layers are disposed (their weights are not used). Throws if no layer
 * matches, or if a matching layer is already a LoRA layer.
 */
export function applyLoRA(host: LinearHost, options: ApplyLoRAOptions = {}): LoRAHandle {
  const { targets = DEFAULT_LORA_TARGETS, ...layerOptions } = options;
  if (targets.length === 0)
    throw new Error('applyLoRA: targets is empty; name at least one module pattern');
  const linears = host.namedLinears();
  const matches = (name: string) =>
    targets.some((t) => (typeof t === 'string' ? name.includes(t) : t.test(name)));
  const layers = new Map<string, LoRALinear>();
  for (const [name, layer] of linears) {
    if (!matches(name)) continue;
    if (layer instanceof LoRALinear)
      throw new Error(`applyLoRA: '${name}' is already a LoRA layer`);
    const lora = new LoRALinear(layer, { ...layerOptions, seed: subSeed(layerOptions.seed, name) });
    host.setLinear(name, lora);
    if (lora.options.loraOnly) layer.dispose();
    layers.set(name, lora);
  }
  if (layers.size === 0) {
    const names = linears.map(([name]) => name);
    throw new Error(
      `applyLoRA: no linear layer matches targets [${targets.map(String).join(', ')}]; ` +
        `the host has [${names.slice(0, 8).join(', ')}${names.length > 8 ? ', ...' : ''}]`,
    );
  }
  return createHandle(host, layers);
}

function createHandle(host: LinearHost, layers: Map<string, LoRALinear>): LoRAHandle {
  const hostVariables = () =>
    host
      .namedLinears()
      .flatMap(([name, layer]) =>
        (layers.get(name) ?? layer)
          .namedVariables()
          .map(([suffix, v]): [string, tf.Variable] => [`${name}.${suffix}`, v]),
      );
  const loraParameters = () =>
    [...layers].flatMap(([name, layer]) =>
      layer
        .namedVariables()
        .filter(([suffix]) => suffix.startsWith('lora_'))
        .map(([suffix, v]): [string, tf.Variable] => [`${name}.${suffix}`, v]),
    );
  const trainableParameters = () => hostVariables().filter(([, v]) => v.trainable);
  const count = (named: Array<[string, tf.Variable]>) =>
    named.reduce((sum, [, v]) => sum + v.size, 0);
  return {
    layers,
    loraParameters,
    trainableParameters,
    parameterCounts() {
      const all = hostVariables();
      const trainable = count(all.filter(([, v]) => v.trainable));
      const total = count(all);
      return { lora: count(loraParameters()), trainable, frozen: total - trainable, total };
    },
    mergeAndReinit() {
      let merged = 0;
      for (const layer of layers.values()) if (layer.mergeAndReinit()) merged += 1;
      return merged;
    },
    updateDelta(deltaOptions) {
      return new Map([...layers].map(([name, layer]) => [name, layer.updateDelta(deltaOptions)]));
    },
  };
}
