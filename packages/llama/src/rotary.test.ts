// Tests of rotary embeddings against a direct per-element computation of HF's formula.
import { initBackend } from '@relora/backend';
import { ROTARY_KERNEL } from '@relora/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { applyRotary, rotaryTables } from './rotary';

/** HF's formula as tfjs ops, differentiated by autodiff: the reference. */
function opsRotary(x: tf.Tensor4D, cos: tf.Tensor, sin: tf.Tensor): tf.Tensor {
  const [x1, x2] = tf.split(x, 2, 3);
  return tf.add(tf.mul(x, cos), tf.mul(tf.concat([x2 as tf.Tensor, x1 as tf.Tensor], 3), sin));
}

/** Value and gradient of sum(f(x) ⊙ r) for a fixed random r. */
function valueAndGrad(x: tf.Variable, f: (x: tf.Tensor4D) => tf.Tensor) {
  return tf.tidy(() => {
    const y = f(x as tf.Tensor4D);
    const r = tf.randomNormal(y.shape, 0, 1, 'float32', 11);
    const { value, grads } = tf.variableGrads(
      () => tf.sum(tf.mul(f(x as tf.Tensor4D), r)) as tf.Scalar,
      [x],
    );
    value.dispose();
    return [y, grads[x.name] as tf.Tensor];
  });
}

describe.each(['cpu', 'wasm'] as const)('rotary on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ prefer: backend });
  });

  it('matches x*cos + rotate_half(x)*sin computed element by element', () => {
    const [batch, seqLen, heads, dim, theta] = [2, 5, 3, 8, 10000];
    const x = tf.randomNormal([batch, seqLen, heads, dim], 0, 1, 'float32', 7) as tf.Tensor4D;
    const xs = x.arraySync();
    const tables = rotaryTables(seqLen, dim, theta);
    const got = applyRotary(x, tables).arraySync();
    for (let b = 0; b < batch; b++) {
      for (let t = 0; t < seqLen; t++) {
        for (let h = 0; h < heads; h++) {
          const v = xs[b]?.[t]?.[h] as number[];
          for (let i = 0; i < dim; i++) {
            const pair = i % (dim / 2);
            const angle = t / theta ** ((2 * pair) / dim);
            const rotated = i < dim / 2 ? -(v[i + dim / 2] as number) : (v[i - dim / 2] as number);
            const expected = (v[i] as number) * Math.cos(angle) + rotated * Math.sin(angle);
            expect(got[b]?.[t]?.[h]?.[i]).toBeCloseTo(expected, 4);
          }
        }
      }
    }
    tf.dispose([x, tables.cos, tables.sinSigned]);
  });

  it('equals the ops formula bit for bit, with its gradient, with and without the fused kernel', () => {
    const x = tf.variable(tf.randomNormal([2, 6, 3, 8], 0, 1, 'float32', 5));
    const tables = rotaryTables(6, 8, 10000, 0.7);
    const reference = valueAndGrad(x, (v) => opsRotary(v, tables.cos, tables.sinSigned));
    const fused = tf.getKernel(ROTARY_KERNEL, backend);
    expect(fused).toBeDefined();
    const withKernel = valueAndGrad(x, (v) => applyRotary(v, tables));
    tf.unregisterKernel(ROTARY_KERNEL, backend);
    try {
      const withOps = valueAndGrad(x, (v) => applyRotary(v, tables));
      for (const ours of [withKernel, withOps]) {
        ours.forEach((t, i) => {
          expect(Array.from(t.dataSync())).toEqual(Array.from(reference[i]!.dataSync()));
        });
      }
      tf.dispose(withOps);
    } finally {
      tf.registerKernel(fused!);
    }
    tf.dispose([x, ...reference, ...withKernel, tables.cos, tables.sinSigned]);
  });

  it('keeps relative positions: <rot(q, m), rot(k, n)> depends only on m - n', () => {
    const tables = rotaryTables(12, 4, 100);
    const q = tf.tile(tf.tensor4d([0.3, -1, 2, 0.5], [1, 1, 1, 4]), [1, 12, 1, 1]) as tf.Tensor4D;
    const k = tf.tile(tf.tensor4d([1, 0.2, -0.7, 1.5], [1, 1, 1, 4]), [1, 12, 1, 1]) as tf.Tensor4D;
    const rq = applyRotary(q, tables).arraySync()[0] as number[][][];
    const rk = applyRotary(k, tables).arraySync()[0] as number[][][];
    const dot = (m: number, n: number) =>
      (rq[m]?.[0] as number[]).reduce((s, a, i) => s + a * (rk[n]?.[0]?.[i] as number), 0);
    expect(dot(7, 4)).toBeCloseTo(dot(3, 0), 4);
    expect(dot(11, 2)).toBeCloseTo(dot(9, 0), 4);
    tf.dispose([q, k, tables.cos, tables.sinSigned]);
  });
});
