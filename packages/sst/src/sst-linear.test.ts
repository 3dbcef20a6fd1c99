// The SST layer: SVD init, the masked enhanced update against a float64 reference, the re-SVD.
import { initBackend } from '@relora/backend';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { SSTLinear } from './sst-linear';

const read = async (t: tf.Tensor) => Array.from(await t.data());

/** Row-major [rows, cols] float64 matrix product. */
function matmul(a: number[], b: number[], n: number, inner: number, m: number): number[] {
  const out = new Array<number>(n * m).fill(0);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < m; j++)
      for (let p = 0; p < inner; p++) out[i * m + j]! += a[i * inner + p]! * b[p * m + j]!;
  return out;
}

describe('SSTLinear', () => {
  beforeAll(async () => {
    await initBackend({ prefer: 'cpu' });
  });

  it('starts from an exact SVD: orthonormal V and U, σ descending, W with the init std', async () => {
    const layer = new SSTLinear({ inFeatures: 24, outFeatures: 40, seed: 3, name: 'q' });
    expect(layer.k).toBe(24);
    const vtv = tf.matMul(layer.v, layer.v, true, false);
    const uut = tf.matMul(layer.ut, layer.ut, false, true);
    const eye = tf.eye(24);
    expect((await read(tf.max(tf.abs(tf.sub(vtv, eye)))))[0]).toBeLessThan(1e-5);
    expect((await read(tf.max(tf.abs(tf.sub(uut, eye)))))[0]).toBeLessThan(1e-5);
    const s = await read(layer.s);
    for (let i = 1; i < s.length; i++) expect(s[i]).toBeLessThanOrEqual(s[i - 1]!);
    const w = await read(layer.pendingUpdate());
    const std = Math.sqrt(w.reduce((acc, x) => acc + x * x, 0) / w.length);
    expect(std).toBeGreaterThan(0.017);
    expect(std).toBeLessThan(0.023);
    tf.dispose([vtv, uut, eye]);
    layer.dispose();
  });

  it.each([
    true,
    false,
  ])('one masked update equals a float64 reference (enhanced %s)', async (enhanced) => {
    const [n, i, o, lr] = [2, 3, 4, 0.05];
    const layer = new SSTLinear({
      inFeatures: i,
      outFeatures: o,
      seed: 7,
      enhancedGradient: enhanced,
    });
    const k = layer.k;
    const sampled = [0, 2];
    layer.setSampled(sampled);
    const xv = [0.3, -1.2, 0.7, 1.5, 0.2, -0.4];
    const tv = [0.5, -0.1, 0.9, -1.3, 0.2, 0.8, -0.6, 0.4];
    const x = tf.tensor2d(xv, [n, i]);
    const t = tf.tensor2d(tv, [n, o]);
    const [v0, s0, ut0] = await Promise.all([read(layer.v), read(layer.s), read(layer.ut)]);
    const { grads } = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(x), t)) as tf.Scalar);
    for (const variable of [layer.v, layer.s, layer.ut]) {
      const g = grads[variable.name]!;
      const masked = layer.maskGradient(variable, g);
      variable.assign(tf.sub(variable, tf.mul(masked, lr)));
      if (masked !== g) masked.dispose();
    }
    tf.dispose(grads);
    layer.normalize();

    // Reference: g = dL/dy = t; a = x V; gu = g U; dσ_j = Σ_n gu a; dV = xᵀ gu (·σ unless enhanced);
    // dUᵀ = aᵀ g (·σ unless enhanced); unsampled vectors frozen; σ clamped; sampled vectors unit.
    const a = matmul(xv, v0, n, i, k);
    const u0 = Array.from({ length: o * k }, (_, p) => ut0[(p % k) * o + Math.floor(p / k)]!);
    const gu = matmul(tv, u0, n, o, k);
    const s1 = s0.map((sj, j) => {
      let ds = 0;
      for (let r = 0; r < n; r++) ds += gu[r * k + j]! * a[r * k + j]!;
      return Math.max(sj - lr * ds, 0);
    });
    const v1 = [...v0];
    const ut1 = [...ut0];
    for (const j of sampled) {
      const scale = enhanced ? 1 : s0[j]!;
      for (let p = 0; p < i; p++) {
        let g = 0;
        for (let r = 0; r < n; r++) g += xv[r * i + p]! * gu[r * k + j]!;
        v1[p * k + j] = v0[p * k + j]! - lr * g * scale;
      }
      for (let q = 0; q < o; q++) {
        let g = 0;
        for (let r = 0; r < n; r++) g += a[r * k + j]! * tv[r * o + q]!;
        ut1[j * o + q] = ut0[j * o + q]! - lr * g * scale;
      }
      const nv = Math.hypot(...Array.from({ length: i }, (_, p) => v1[p * k + j]!));
      const nu = Math.hypot(...Array.from({ length: o }, (_, q) => ut1[j * o + q]!));
      for (let p = 0; p < i; p++) v1[p * k + j]! /= nv;
      for (let q = 0; q < o; q++) ut1[j * o + q]! /= nu;
    }
    const close = (got: number[], want: number[]) => {
      for (const [p, g] of got.entries()) expect(g).toBeCloseTo(want[p]!, 5);
    };
    close(await read(layer.s), s1);
    close(await read(layer.v), v1);
    close(await read(layer.ut), ut1);
    // Frozen vectors keep their exact bits.
    const v = await read(layer.v);
    for (let p = 0; p < i; p++) expect(v[p * k + 1]).toBe(v0[p * k + 1]);
    tf.dispose([x, t]);
    layer.dispose();
  });

  it('the re-SVD keeps the function and restores orthogonality', async () => {
    const layer = new SSTLinear({ inFeatures: 12, outFeatures: 20, seed: 5 });
    // Drift away from orthogonality as training does.
    tf.tidy(() => {
      layer.v.assign(tf.add(layer.v, tf.randomNormal(layer.v.shape, 0, 0.1, 'float32', 1)));
      layer.ut.assign(tf.add(layer.ut, tf.randomNormal(layer.ut.shape, 0, 0.1, 'float32', 2)));
      layer.s.assign(
        tf.abs(tf.add(layer.s, tf.randomNormal(layer.s.shape, 0, 0.05, 'float32', 3))),
      );
    });
    layer.setSampled([1, 4]);
    const x = tf.randomNormal([5, 12], 0, 1, 'float32', 4);
    const before = layer.apply(x);
    const wBefore = layer.pendingUpdate();
    const tensors = tf.memory().numTensors;
    await layer.resvd();
    expect(tf.memory().numTensors).toBe(tensors);
    const after = layer.apply(x);
    const wAfter = layer.pendingUpdate();
    const rel = tf.div(tf.norm(tf.sub(wAfter, wBefore)), tf.norm(wBefore));
    expect((await read(rel))[0]).toBeLessThan(2e-6);
    expect((await read(tf.max(tf.abs(tf.sub(after, before)))))[0]).toBeLessThan(1e-5);
    const vtv = tf.matMul(layer.v, layer.v, true, false);
    const uut = tf.matMul(layer.ut, layer.ut, false, true);
    const eye = tf.eye(12);
    expect((await read(tf.max(tf.abs(tf.sub(vtv, eye)))))[0]).toBeLessThan(1e-5);
    expect((await read(tf.max(tf.abs(tf.sub(uut, eye)))))[0]).toBeLessThan(1e-5);
    const s = await read(layer.s);
    for (let j = 1; j < s.length; j++) expect(s[j]).toBeLessThanOrEqual(s[j - 1]!);
    expect(layer.sampled).toEqual([1, 4]);
    tf.dispose([x, before, after, wBefore, wAfter, rel, vtv, uut, eye]);
    layer.dispose();
  });

  it('refuses a bad sampled set and a wrong input width', () => {
    const layer = new SSTLinear({ inFeatures: 4, outFeatures: 6 });
    expect(() => layer.setSampled([0, 0])).toThrow(/repeated index 0/);
    expect(() => layer.setSampled([4])).toThrow(/bad or repeated index 4 \(k = 4\)/);
    expect(() => layer.apply(tf.zeros([2, 5]))).toThrow(/expected input \[\.\.\., 4\]/);
    layer.dispose();
  });
});
