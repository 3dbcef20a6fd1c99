import { initBackend } from '@relora/backend';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { orthonormalize } from './cholesky-qr';
import { jacobiSvd } from './jacobi-svd';
import { capturedEnergy, crossProduct, matrixWithSpectrum } from './linalg.test-support';
import { truncatedSvd } from './truncated-svd';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu' });
});

/** A slowly decaying spectrum, as gradients have: the hard case for a randomized SVD. */
const spectrum = (k: number) => Array.from({ length: k }, (_, i) => 1 / (1 + i) ** 0.7);

describe('truncatedSvd', () => {
  it('matches the exact SVD of a 96 x 160 fixture: singular values, energy and subspace', async () => {
    const [m, n, r] = [96, 160, 16];
    const { a } = matrixWithSpectrum(m, n, spectrum(96), 11);
    const exact = jacobiSvd(a, m, n);
    const t = tf.tensor2d(Float32Array.from(a), [m, n]);
    const before = tf.memory().numTensors;
    const got = await truncatedSvd(t, r, { seed: 1 });
    expect(tf.memory().numTensors).toBe(before + 2);
    const u = await got.u!.data();
    const vt = await got.vt!.data();
    tf.dispose([t, got.u!, got.vt!]);
    // Singular values within 1% (relative) of the exact ones.
    for (let i = 0; i < r; i++)
      expect(Math.abs(got.s[i]! - exact.s[i]!) / exact.s[i]!).toBeLessThan(0.01);
    // Captured energy within 1% (relative) of the exact top-r subspace's (methods.md 0.4.2).
    const exactU = new Float64Array(m * r);
    for (let i = 0; i < m; i++) for (let j = 0; j < r; j++) exactU[i * r + j] = exact.u[i * m + j]!;
    const best = capturedEnergy(a, m, n, exactU, r);
    expect(capturedEnergy(a, m, n, u, r)).toBeGreaterThan(best * 0.99);
    // The top r/2 directions within 10 degrees (largest principal angle).
    const half = r / 2;
    const gotHalf = new Float64Array(m * half);
    const exactHalf = new Float64Array(m * half);
    for (let i = 0; i < m; i++)
      for (let j = 0; j < half; j++) {
        gotHalf[i * half + j] = u[i * r + j]!;
        exactHalf[i * half + j] = exactU[i * r + j]!;
      }
    const cosines = jacobiSvd(crossProduct(gotHalf, exactHalf, m, half), half, half).s;
    expect(Math.acos(Math.min(1, cosines[half - 1]!)) * (180 / Math.PI)).toBeLessThan(10);
    // u and vt are orthonormal and u diag(s) vt ≈ the best rank-r approximation.
    const uSvd = jacobiSvd(u, m, r).s;
    for (const x of uSvd) expect(Math.abs(x - 1)).toBeLessThan(1e-4);
    const vtSvd = jacobiSvd(vt, r, n).s;
    for (const x of vtSvd) expect(Math.abs(x - 1)).toBeLessThan(1e-4);
  });

  it('is exact up to float32 on a matrix of rank below the sketch, tall or wide', async () => {
    const s = [4, 2, 1, 0.5];
    for (const [m, n] of [
      [40, 24],
      [24, 40],
    ] as const) {
      const { a } = matrixWithSpectrum(m, n, s, 5);
      const t = tf.tensor2d(Float32Array.from(a), [m, n]);
      const got = await truncatedSvd(t, 4, { side: 'left' });
      expect(got.vt).toBeUndefined();
      const u = await got.u!.data();
      tf.dispose([t, got.u!]);
      for (let i = 0; i < 4; i++) expect(got.s[i]!).toBeCloseTo(s[i]!, 4);
      expect(capturedEnergy(a, m, n, u, 4)).toBeGreaterThan(1 - 1e-5);
    }
  });

  it('gives the same vectors for the same seed and survives a zero matrix', async () => {
    const { a } = matrixWithSpectrum(32, 48, spectrum(32), 2);
    const t = tf.tensor2d(Float32Array.from(a), [32, 48]);
    const one = await truncatedSvd(t, 8, { seed: 9, side: 'right' });
    const two = await truncatedSvd(t, 8, { seed: 9, side: 'right' });
    expect(await one.vt!.data()).toEqual(await two.vt!.data());
    tf.dispose([t, one.vt!, two.vt!]);
    const zero = tf.zeros([16, 24]) as tf.Tensor2D;
    const z = await truncatedSvd(zero, 4);
    expect([...z.s]).toEqual([0, 0, 0, 0]);
    expect(Number.isFinite((await z.u!.data())[0]!)).toBe(true);
    tf.dispose([zero, z.u!, z.vt!]);
  });

  it('refuses a bad rank with a one-line message', async () => {
    const t = tf.zeros([4, 4]) as tf.Tensor2D;
    await expect(truncatedSvd(t, 0)).rejects.toThrow('rank must be an integer >= 1, got 0');
    t.dispose();
  });
});

describe('orthonormalize', () => {
  it('returns orthonormal columns spanning y, and copes with dependent columns', async () => {
    const y = tf.tensor2d([1, 2, 2, 4, 3, 6, 4, 8.000001], [4, 2]);
    const q = await orthonormalize(y);
    const qtq = await tf.matMul(q, q, true, false).data();
    expect(Math.abs(qtq[0]! - 1)).toBeLessThan(1e-5);
    expect(Math.abs(qtq[3]! - 1)).toBeLessThan(1e-5);
    expect(Math.abs(qtq[1]!)).toBeLessThan(1e-5);
    tf.dispose([y, q]);
  });
});
