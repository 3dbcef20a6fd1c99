// Causal multi-head self-attention with rotary embeddings, every projection through its swappable slot.

import type { ApplyOptions, Linear } from '@relora/core';
import * as tf from '@tensorflow/tfjs-core';
import { applyRotary } from './rotary';
import type { SequenceTables } from './sequence-cache';

/** The four projections of one attention block (HF q_proj, k_proj, v_proj, o_proj). */
export interface AttentionSlots {
  q: Linear;
  k: Linear;
  v: Linear;
  o: Linear;
}

/**
 * Keys and values of earlier positions, for incremental decoding. `selfAttention` prepends them
 * and replaces them with the extended ones (kept; the owner disposes them).
 */
export interface KeyValueCache {
  /** Rotated keys [B, H, dh, S], already transposed for the score matmul. */
  keys?: tf.Tensor4D;
  /** Values [B, H, S, dh]. */
  values?: tf.Tensor4D;
}

/** Sizes of one attention call. */
export interface AttentionShape {
  batch: number;
  seqLen: number;
  numHeads: number;
  headDim: number;
}

/**
 * x [B*T, d] -> [B*T, d]. Rows stay flat for the projections (plain 2D matmuls); only scores use
 * batched matmuls over [B, H, T, dh]. Keys are transposed straight to [B, H, dh, T] so neither
 * batched matmul needs a transpose flag (slow on wasm). With `cache`, the S cached positions come
 * first: `tables` then cover positions S..S+T-1 and the mask is [T, S+T].
 */
export function selfAttention(
  x: tf.Tensor2D,
  slots: AttentionSlots,
  shape: AttentionShape,
  tables: SequenceTables,
  options?: ApplyOptions,
  cache?: KeyValueCache,
): tf.Tensor2D {
  const { batch, seqLen, numHeads, headDim } = shape;
  return tf.tidy(() => {
    const split = (t: tf.Tensor) =>
      tf.reshape(t, [batch, seqLen, numHeads, headDim]) as tf.Tensor4D;
    // The query tables carry 1/sqrt(dh), so scores need no separate scaling pass.
    const q = applyRotary(split(slots.q.apply(x, options)), tables.query);
    const k = applyRotary(split(slots.k.apply(x, options)), tables.key);
    const v = split(slots.v.apply(x, options));
    let keys = tf.transpose(k, [0, 2, 3, 1]);
    let values = tf.transpose(v, [0, 2, 1, 3]);
    if (cache) {
      if (cache.keys && cache.values) {
        keys = tf.concat([cache.keys, keys], 3);
        values = tf.concat([cache.values, values], 2);
      }
      tf.dispose([cache.keys, cache.values]);
      cache.keys = tf.keep(keys);
      cache.values = tf.keep(values);
    }
    const scores = tf.matMul(tf.transpose(q, [0, 2, 1, 3]), keys);
    const probs = tf.softmax(tf.add(scores, tables.mask));
    const context = tf.matMul(probs, values);
    const merged = tf.reshape(tf.transpose(context, [0, 2, 1, 3]), [
      batch * seqLen,
      numHeads * headDim,
    ]);
    return slots.o.apply(merged, options) as tf.Tensor2D;
  });
}
