// A step's gradients as one float32 vector for collectives: fixed layout, packing, bucketed all-reduce, unpacking.
import { copyTensorInto, tensorFromValues } from '@relora/backend';
import type { Communicator } from '@relora/core';
import * as tf from '@tensorflow/tfjs-core';
import { layoutOf, type SharedLayout } from './data-parallel-buffers';

/** PyTorch DDP's default bucket (`bucket_cap_mb=25`): collectives start on 25 MiB at most. */
export const BUCKET_BYTES = 25 * 2 ** 20;

/**
 * Where each part of a step's flat gradient vector sits, in floats: the trainable parameters'
 * gradients back to back in the trainer's order, then one flag per parameter (1 where a
 * participant computed its gradient, so the sum says whether any did), then the weighted loss.
 */
export interface GradientLayout {
  grads: SharedLayout;
  flags: number;
  loss: number;
  /** Floats in the vector. */
  length: number;
}

/** The layout of `entries` (parameter name, float count), in their order. */
export function gradientLayout(entries: ReadonlyArray<readonly [string, number]>): GradientLayout {
  const { layout: grads, length: flags } = layoutOf(entries);
  return { grads, flags, loss: flags + grads.length, length: flags + grads.length + 1 };
}

/**
 * Copies `t` (float32) into `target`: straight from the heap on wasm, else through an asynchronous
 * read (cpu, webgpu, tfjs-node: never a synchronous one).
 */
export async function readInto(t: tf.Tensor, target: Float32Array): Promise<void> {
  if (tf.getBackend() === 'wasm') copyTensorInto(t, target);
  else target.set((await t.data()) as Float32Array);
}

/**
 * Writes `grads` (by parameter name) and `loss` into `target` as `layout` says; parameters
 * without a gradient are zeros with flag 0. Disposes nothing.
 */
export async function packGradients(
  layout: GradientLayout,
  grads: ReadonlyMap<string, tf.Tensor>,
  loss: number,
  target: Float32Array,
): Promise<void> {
  target.fill(0, 0, layout.length);
  for (const [i, [name, offset, length]] of layout.grads.entries()) {
    const g = grads.get(name);
    if (!g) continue;
    await readInto(g, target.subarray(offset, offset + length));
    target[layout.flags + i] = 1;
  }
  target[layout.loss] = loss;
}

/**
 * Tensors of the summed vector, keyed by `variable.name` as the trainer's gradients (only those
 * some participant computed), and the summed loss. Copies: `flat` may be reused at once.
 */
export function unpackGradients(
  layout: GradientLayout,
  flat: Float32Array,
  variables: ReadonlyMap<string, tf.Variable>,
): { grads: tf.NamedTensorMap; loss: number } {
  const grads: tf.NamedTensorMap = {};
  for (const [i, [name, offset, length]] of layout.grads.entries()) {
    if ((flat[layout.flags + i] as number) === 0) continue;
    const variable = variables.get(name);
    if (!variable) throw new Error(`data-parallel: no trainable parameter ${name}`);
    grads[variable.name] = tensorFromValues(flat.subarray(offset, offset + length), variable.shape);
  }
  return { grads, loss: flat[layout.loss] as number };
}

/** `[start, end)` of each bucket of at most `bucketFloats` floats covering `length` floats. */
export function buckets(length: number, bucketFloats: number): Array<[number, number]> {
  if (!Number.isInteger(bucketFloats) || bucketFloats < 1)
    throw new Error(`data-parallel: bucket size must be at least one float, got ${bucketFloats}`);
  const out: Array<[number, number]> = [];
  for (let start = 0; start < length; start += bucketFloats)
    out.push([start, Math.min(length, start + bucketFloats)]);
  return out;
}

/** All-reduces `values` in place over `comm`, one bucket after another. */
export async function allReduceBuckets(
  comm: Communicator,
  values: Float32Array,
  bucketFloats = BUCKET_BYTES / Float32Array.BYTES_PER_ELEMENT,
): Promise<void> {
  for (const [start, end] of buckets(values.length, bucketFloats))
    await comm.allReduceSum(values.subarray(start, end));
}

/** Broadcasts `values` in place from `root` over `comm`, one bucket after another. */
export async function broadcastBuckets(
  comm: Communicator,
  values: Float32Array,
  root: number,
  bucketFloats = BUCKET_BYTES / Float32Array.BYTES_PER_ELEMENT,
): Promise<void> {
  for (const [start, end] of buckets(values.length, bucketFloats))
    await comm.broadcast(values.subarray(start, end), root);
}
