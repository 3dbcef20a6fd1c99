import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../src/index';

await initBackend({ prefer: (process.argv[2] ?? 'wasm') as 'wasm' });
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
function t(name: string, f: () => tf.Tensor | tf.Tensor[], flops = 0) {
  for (let i = 0; i < 3; i++) tf.dispose(f());
  let best = 1e9;
  for (let r = 0; r < 10; r++) {
    const t0 = cpu();
    tf.dispose(f());
    best = Math.min(best, cpu() - t0);
  }
  console.log(
    best.toFixed(3).padStart(8),
    'ms',
    flops ? (flops / best / 1e6).toFixed(1).padStart(6) + ' GFLOP/s' : '',
    name,
  );
}
const x = tf.randomNormal([1024, 128]);
const dy = tf.randomNormal([1024, 352]);
const xT = tf.transpose(x);
const F = 2 * 1024 * 128 * 352;
t('TN x[1024,128]ᵀ dy[1024,352]', () => tf.matMul(x, dy, true, false), F);
t('NN xT[128,1024] dy (cached B)', () => tf.matMul(xT, dy), F);
t('NN xT dy fresh B (clone)', () => tf.tidy(() => tf.matMul(xT, tf.add(dy, 0))), F);
t('add dy 0 alone', () => tf.add(dy, 0));
t('NN dyT[352,1024] x (cached)', () => tf.tidy(() => tf.matMul(tf.transpose(dy), x)), F);
const h = tf.randomNormal([1024, 352]);
const w = tf.randomNormal([352, 128]);
t('NN h[1024,352] w[352,128]', () => tf.matMul(h, w), F);
t('NN x[1024,128] w2[128,352]', () => tf.matMul(x, tf.transpose(w)), F);
