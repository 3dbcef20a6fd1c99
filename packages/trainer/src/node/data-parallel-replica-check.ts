// Replicas in other processes start from rank 0's weights and must stay equal: a broadcast at the start, checksums after.

import { tensorFromValues } from '@relora/backend';
import type { Communicator } from '@relora/core';
import { fmix32 } from '@relora/core';
import * as tf from '@tensorflow/tfjs-core';
import { broadcastBuckets, readInto } from './data-parallel-collective';

/** Thrown on every rank when the ranks' weights differ: the replicas diverged. */
export class ReplicaMismatchError extends Error {
  constructor(
    readonly updateStep: number,
    readonly ranks: number[],
    readonly when: string,
  ) {
    super(
      `data-parallel: the weights of rank${ranks.length > 1 ? 's' : ''} ${ranks.join(', ')} differ from rank 0's ${when} (update step ${updateStep}); the replicas diverged (different code, backend, data or checkpoint on some rank): stopping`,
    );
    this.name = 'ReplicaMismatchError';
  }
}

/** Every parameter's values, back to back in `params`' order (one float32 array). */
async function flatten(
  params: ReadonlyArray<readonly [string, tf.Variable]>,
): Promise<Float32Array> {
  const flat = new Float32Array(params.reduce((n, [, v]) => n + v.size, 0));
  let offset = 0;
  for (const [, v] of params) {
    await readInto(v, flat.subarray(offset, offset + v.size));
    offset += v.size;
  }
  return flat;
}

/**
 * Gives every rank rank 0's values of `params` (the same names in the same order everywhere), in
 * broadcasts of at most `bucketFloats`.
 */
export async function broadcastWeights(
  comm: Communicator,
  params: ReadonlyArray<readonly [string, tf.Variable]>,
  bucketFloats?: number,
): Promise<void> {
  const flat = await flatten(params);
  await broadcastBuckets(comm, flat, 0, bucketFloats);
  if (comm.rank === 0) return;
  let offset = 0;
  for (const [, v] of params) {
    const values = flat.subarray(offset, offset + v.size);
    tf.tidy(() => v.assign(tensorFromValues(values, v.shape)));
    offset += v.size;
  }
}

/** A 32-bit hash of the bits of every value of `params`, in order (equal weights, equal hashes). */
export async function weightsChecksum(
  params: ReadonlyArray<readonly [string, tf.Variable]>,
): Promise<number> {
  const bits = new Uint32Array((await flatten(params)).buffer);
  let h = 0x811c9dc5;
  for (let i = 0; i < bits.length; i++) h = Math.imul(h ^ (bits[i] as number), 0x01000193);
  return fmix32(h) >>> 0;
}

/**
 * Compares every rank's checksum of `params` with rank 0's; on a difference every rank throws a
 * {@link ReplicaMismatchError} naming the ranks that differ (all ranks stop together: none is left
 * waiting in the next collective). `when` says at what point, for the message.
 */
export async function checkReplicas(
  comm: Communicator,
  params: ReadonlyArray<readonly [string, tf.Variable]>,
  updateStep: number,
  when: string,
): Promise<void> {
  const sum = await weightsChecksum(params);
  // 16-bit halves: exact in float32.
  const root = await comm.broadcast(Float32Array.from([sum >>> 16, sum & 0xffff]), 0);
  const differs = new Float32Array(comm.size);
  differs[comm.rank] = root[0] === sum >>> 16 && root[1] === (sum & 0xffff) ? 0 : 1;
  await comm.allReduceSum(differs);
  const ranks = [...differs.keys()].filter((r) => (differs[r] as number) > 0);
  if (ranks.length > 0) throw new ReplicaMismatchError(updateStep, ranks, when);
}
