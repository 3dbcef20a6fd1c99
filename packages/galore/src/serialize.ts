// GaLore/Fira state of the projected matrices to and from plain typed arrays plus JSON, for checkpoints.
import * as tf from '@tensorflow/tfjs-core';
import type { GaLoreAdamW } from './galore-adamw';
import type { ResolvedGaLoreOptions } from './options';
import type { ProjectionSide } from './projector';

/** JSON part of a serialised GaLore state. The plain AdamW's state is serialised apart (`serializeAdamWState`). */
export interface SerializedGaLoreMeta {
  format: 'relora-galore';
  version: 1;
  /** Calls to `applyGradients` so far. */
  step: number;
  options: ResolvedGaLoreOptions;
  /**
   * One entry per target by stable name: its tensors are `tensors[key + '.m']`, `'.v'` (shape
   * `moments`) and, once computed, `'.projector'` (shape `projector`).
   */
  slots: Array<{
    key: string;
    side: ProjectionSide;
    step: number;
    moments: number[];
    projector: number[] | null;
    /** Fira's previous limited norm (float32 value), null before the first Fira step. */
    limiterNorm: number | null;
  }>;
}

/** Serialised GaLore state: `meta` plain JSON, `tensors` float32 data. */
export interface SerializedGaLoreState {
  meta: SerializedGaLoreMeta;
  tensors: Record<string, Float32Array>;
}

type Named = ReadonlyArray<readonly [string, tf.Variable]>;

/**
 * Copies the projected state out, keyed by the names in `named` (e.g. `model.namedParameters()`):
 * every tensor read in one wait. Await it before the next update.
 */
export async function serializeGaLoreState(
  optimizer: GaLoreAdamW,
  named: Named,
): Promise<SerializedGaLoreState> {
  const keyOf = new Map<tf.Variable, string>(named.map(([name, v]) => [v, name]));
  const meta: SerializedGaLoreMeta = {
    format: 'relora-galore',
    version: 1,
    step: optimizer.step,
    options: optimizer.options,
    slots: [],
  };
  const reads: Array<[string, tf.Tensor]> = [];
  for (const [variable, slot] of optimizer.slots()) {
    const key = keyOf.get(variable);
    if (key === undefined)
      throw new Error(
        `serializeGaLoreState: target '${variable.name}' is not among the named parameters`,
      );
    meta.slots.push({
      key,
      side: slot.side,
      step: slot.step,
      moments: [...slot.m.shape],
      projector: slot.projector ? [...slot.projector.shape] : null,
      limiterNorm: null,
    });
    reads.push([`${key}.m`, slot.m], [`${key}.v`, slot.v]);
    if (slot.projector) reads.push([`${key}.projector`, slot.projector]);
  }
  const limiters = optimizer.slots().map(([, s]) => s.limiterNorm?.data());
  const values = await Promise.all(reads.map(([, t]) => t.data()));
  const norms = await Promise.all(limiters);
  const tensors: Record<string, Float32Array> = {};
  reads.forEach(([key], i) => {
    tensors[key] = new Float32Array(values[i] as Float32Array);
  });
  meta.slots.forEach((slot, i) => {
    const norm = norms[i];
    slot.limiterNorm = norm ? (norm[0] as number) : null;
  });
  return { meta, tensors };
}

/**
 * Replaces the projected state with a serialised one, resolving keys through `named`. The saved
 * rank, side and every shape must match this optimizer's targets; everything is checked before
 * anything changes. The optimizer's hyperparameters are kept (they come from this run's options).
 */
export function deserializeGaLoreState(
  optimizer: GaLoreAdamW,
  saved: SerializedGaLoreState,
  named: Named,
): void {
  const { meta, tensors } = saved;
  const where = 'deserializeGaLoreState';
  if (meta?.format !== 'relora-galore' || meta.version !== 1)
    throw new Error(`${where}: expected format 'relora-galore' version 1, got '${meta?.format}'`);
  const byName = new Map(named.map(([name, v]) => [name, v]));
  const live = optimizer.slots();
  if (meta.slots.length !== live.length)
    throw new Error(
      `${where}: the state has ${meta.slots.length} projected matrices, this optimizer ${live.length}`,
    );
  const plan = meta.slots.map((s) => {
    const variable = byName.get(s.key);
    const slot = variable && optimizer.slot(variable);
    if (!variable || !slot) throw new Error(`${where}: '${s.key}' is not a projected matrix here`);
    if (s.side !== slot.side || !tf.util.arraysEqual(s.moments, slot.m.shape))
      throw new Error(
        `${where}: '${s.key}' was saved with side ${s.side} and moments [${s.moments}], here ${slot.side} and [${slot.m.shape}]`,
      );
    if (!Number.isSafeInteger(s.step) || s.step < 0)
      throw new Error(`${where}: '${s.key}' step must be an integer >= 0, got ${s.step}`);
    const size = tf.util.sizeFromShape(s.moments);
    for (const part of ['m', 'v'])
      if (tensors[`${s.key}.${part}`]?.length !== size)
        throw new Error(`${where}: '${s.key}.${part}' is missing or not ${size} values`);
    if (s.projector) {
      const expected =
        slot.side === 'left'
          ? [variable.shape[0], s.moments[0]]
          : [s.moments[1], variable.shape[1]];
      if (
        !tf.util.arraysEqual(s.projector, expected as number[]) ||
        tensors[`${s.key}.projector`]?.length !== tf.util.sizeFromShape(s.projector)
      )
        throw new Error(`${where}: '${s.key}.projector' must be [${expected}]`);
    }
    return { s, slot };
  });
  optimizer.step = meta.step;
  for (const { s, slot } of plan) {
    tf.tidy(() => {
      slot.m.assign(tf.tensor(tensors[`${s.key}.m`] as Float32Array, s.moments));
      slot.v.assign(tf.tensor(tensors[`${s.key}.v`] as Float32Array, s.moments));
    });
    slot.step = s.step;
    slot.projector?.dispose();
    slot.projector = s.projector
      ? tf.tensor2d(tensors[`${s.key}.projector`] as Float32Array, s.projector as [number, number])
      : undefined;
    slot.limiterNorm?.dispose();
    slot.limiterNorm = undefined;
    if (s.limiterNorm !== null) {
      const initial = tf.scalar(s.limiterNorm);
      slot.limiterNorm = tf.variable(initial, false);
      initial.dispose();
    }
  }
}
