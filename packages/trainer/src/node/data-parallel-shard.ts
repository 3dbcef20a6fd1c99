// One participant's share of a data-parallel step: its rows of each micro-batch, loss and gradients by parameter name.
import type { LoRAHandle } from '@relora/lora';
import * as tf from '@tensorflow/tfjs-core';
import { setDropoutCalls } from '../lora-phase';
import { readScalars } from '../read-scalars';
import type { LossModel } from '../train-step';

/** Rows of one micro-batch given to one participant (plain arrays: they cross thread boundaries). */
export interface ShardSpec {
  /** int32 [rows, seq], row-major. */
  inputIds: Int32Array;
  /** int32 [rows, seq], row-major. */
  targets: Int32Array;
  rows: number;
  seq: number;
  /** The shard's loss is multiplied by this: rows / micro-batch rows / accumulation. */
  weight: number;
  /** LoRA dropout counter for this shard, so its masks depend only on (step, micro-batch, shard). */
  dropoutCall: number;
}

/** A participant's gradients (of its weighted losses, summed over its shards) and weighted loss. */
export interface ShardResult {
  /** Sum over shards of weight · loss (nats per token). */
  loss: number;
  /** Parameter name -> gradient; the caller disposes them. */
  grads: Map<string, tf.Tensor>;
}

/**
 * Runs `shards` through `model` and sums the gradients of `weight · loss` over `trainable`
 * (name, variable) pairs. With `lora`, each shard's dropout masks are drawn from its
 * `dropoutCall`. The shards' losses are read back together, once all are computed. Leaves no
 * tensors behind besides the returned gradients.
 */
export async function shardGradients(
  model: LossModel,
  trainable: ReadonlyArray<readonly [string, tf.Variable]>,
  shards: readonly ShardSpec[],
  lora?: LoRAHandle,
): Promise<ShardResult> {
  const nameOf = new Map(trainable.map(([name, v]) => [v.name, name]));
  const variables = trainable.map(([, v]) => v);
  const grads = new Map<string, tf.Tensor>();
  const losses: tf.Scalar[] = [];
  for (const shard of shards) {
    if (lora) setDropoutCalls(lora, shard.dropoutCall);
    const inputIds = tf.tensor2d(shard.inputIds, [shard.rows, shard.seq], 'int32');
    const targets = tf.tensor2d(shard.targets, [shard.rows, shard.seq], 'int32');
    const { value, grads: micro } = tf.variableGrads(
      () => tf.mul(model.loss(inputIds, targets, { training: true }), shard.weight) as tf.Scalar,
      variables,
    );
    losses.push(value);
    tf.dispose([inputIds, targets]);
    for (const [variableName, g] of Object.entries(micro)) {
      const name = nameOf.get(variableName) as string;
      const before = grads.get(name);
      grads.set(name, before ? tf.add(before, g) : g);
      if (before) tf.dispose([before, g]);
    }
  }
  let loss = 0;
  try {
    // Summed in JS, in shard order: the float64 sum the workers' losses join.
    for (const value of await readScalars(losses)) loss += value;
  } catch (error) {
    tf.dispose([...grads.values()]);
    throw error;
  } finally {
    tf.dispose(losses);
  }
  return { loss, grads };
}

/**
 * Splits a micro-batch's rows into `parts` contiguous shards (the first ones one row larger when
 * they do not divide); parts beyond the row count get none. Each entry is `[firstRow, rows]`.
 */
export function splitRows(rows: number, parts: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let first = 0;
  for (let p = 0; p < parts; p++) {
    const count = Math.floor(rows / parts) + (p < rows % parts ? 1 : 0);
    out.push([first, count]);
    first += count;
  }
  return out;
}
