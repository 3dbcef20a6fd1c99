// AdamW state to and from plain typed arrays plus JSON metadata, for checkpoints.
import * as tf from '@tensorflow/tfjs-core';
import { type AdamW, AdamW as AdamWClass, type AdamWOptions, type AdamWState } from './adamw';
import { readFloat32Copies } from './read-values';

/** JSON part of a serialised AdamW state. */
export interface SerializedAdamWMeta {
  format: 'relora-adamw';
  version: 1;
  /** Calls to `applyGradients` so far. */
  step: number;
  options: Required<AdamWOptions>;
  /** One entry per variable with state; its moments are `tensors[key + '.m']` and `[key + '.v']`. */
  slots: Array<{ key: string; shape: number[]; step: number }>;
}

/** Serialised AdamW state: `meta` is plain JSON, `tensors` float32 data (e.g. for safetensors). */
export interface SerializedAdamWState {
  meta: SerializedAdamWMeta;
  tensors: Record<string, Float32Array>;
}

type Named = ReadonlyArray<readonly [string, tf.Variable]>;

/**
 * Copies the optimizer state out: every moment is read back asynchronously, all in one wait on the
 * device. With `named` (e.g. `model.namedParameters()`) slots are keyed by those stable names and
 * only named variables are saved; without it, by `variable.name`, which is only stable within one
 * process. Await it before the next update.
 */
export async function serializeAdamWState(
  optimizer: AdamW,
  named?: Named,
): Promise<SerializedAdamWState> {
  const keyOf = new Map<tf.Variable, string>(named?.map(([name, variable]) => [variable, name]));
  const meta: SerializedAdamWMeta = {
    format: 'relora-adamw',
    version: 1,
    step: optimizer.step,
    options: optimizer.options(),
    slots: [],
  };
  const moments: tf.Tensor[] = [];
  for (const [variable, slot] of optimizer.slots()) {
    const key = named ? keyOf.get(variable) : variable.name;
    if (key === undefined) continue;
    meta.slots.push({ key, shape: [...variable.shape], step: slot.step });
    moments.push(slot.m, slot.v);
  }
  const values = await readFloat32Copies(moments);
  const tensors: Record<string, Float32Array> = {};
  meta.slots.forEach(({ key }, i) => {
    tensors[`${key}.m`] = values[2 * i]!;
    tensors[`${key}.v`] = values[2 * i + 1]!;
  });
  return { meta, tensors };
}

/**
 * Replaces the optimizer's state and hyperparameters with a serialised one (as torch's
 * `load_state_dict`). Keys resolve through `named` when given, else as `variable.name`. Every key,
 * shape and length is checked before the optimizer changes.
 */
export function deserializeAdamWState(
  optimizer: AdamW,
  saved: SerializedAdamWState,
  named?: Named,
): void {
  const { meta, tensors } = saved;
  if (meta?.format !== 'relora-adamw' || meta.version !== 1) {
    throw new Error(
      `deserializeAdamWState: expected format 'relora-adamw' version 1, got '${meta?.format}' version ${meta?.version}`,
    );
  }
  // constructing one validates the saved hyperparameters before anything changes
  const options = new AdamWClass(meta.options).options();
  const byName = new Map(named?.map(([name, variable]) => [name, variable]));
  const registry = tf.engine().registeredVariables;
  const plan = meta.slots.map(({ key, shape, step }) => {
    const variable = named ? byName.get(key) : registry[key];
    if (!variable) throw new Error(`deserializeAdamWState: no variable for saved key '${key}'`);
    if (!tf.util.arraysEqual(variable.shape, shape)) {
      throw new Error(
        `deserializeAdamWState: '${key}' was saved with shape [${shape}], the variable has [${variable.shape}]`,
      );
    }
    const m = tensors[`${key}.m`];
    const v = tensors[`${key}.v`];
    for (const [which, data] of [
      ['m', m],
      ['v', v],
    ] as const) {
      if (!data || data.length !== variable.size) {
        throw new Error(
          `deserializeAdamWState: '${key}.${which}' is missing or has ${data?.length} values, expected ${variable.size}`,
        );
      }
    }
    return { variable, m: m!, v: v!, step };
  });
  const state: AdamWState = { step: meta.step, slots: {} };
  for (const { variable, m, v, step } of plan) {
    state.slots[variable.name] = {
      m: tf.tensor(m, variable.shape),
      v: tf.tensor(v, variable.shape),
      step,
    };
  }
  try {
    optimizer.setState(state);
    Object.assign(optimizer, options);
  } finally {
    for (const slot of Object.values(state.slots)) tf.dispose([slot.m, slot.v]);
  }
}
