import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../src/index';
await initBackend({ prefer: (process.argv[2] ?? 'wasm') as 'wasm' });
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
function t(name: string, f: () => tf.Tensor | tf.Tensor[], n = 1) {
  for (let i = 0; i < 3; i++) tf.dispose(f());
  let best = 1e9;
  for (let r = 0; r < 10; r++) { const t0 = cpu(); tf.dispose(f()); best = Math.min(best, cpu() - t0); }
  console.log((best / n * 1000).toFixed(1).padStart(8), 'us', name);
}
const p = tf.randomNormal([128, 128]); const v = tf.randomNormal([128, 32]);
const vs = Array.from({ length: 32 }, () => tf.randomNormal([128, 32]));
const ps = Array.from({ length: 32 }, () => tf.randomNormal([128, 128]));
t('2D [128,128]x[128,32] same B x32', () => Array.from({ length: 32 }, () => tf.matMul(p, v)), 32);
t('2D [128,128]x[128,32] diff B x32', () => vs.map((b, i) => tf.matMul(ps[i]!, b)), 32);
const P = tf.randomNormal([32, 128, 128]); const V = tf.randomNormal([32, 128, 32]);
t('batched [32,128,128]x[32,128,32] per slice', () => tf.matMul(P, V), 32);
t('2D [4096,128]x[128,32]', () => tf.matMul(tf.reshape(P, [4096, 128]), v), 32);
