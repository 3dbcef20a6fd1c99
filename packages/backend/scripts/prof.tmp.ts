import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../src/index';
import { DEMO_SHAPE, makeStep } from './llama-step';
await initBackend({ prefer: 'wasm' });
const { step } = makeStep(DEMO_SHAPE);
step();
const p = await tf.profile(() => { step(); });
const m = new Map<string, [number, number]>();
for (const k of p.kernels) {
  if (k.name.startsWith('BatchMatMul')) continue;
  const key = `${k.name} ${k.inputShapes.map((s) => `[${s}]`).join('')}`;
  const e = m.get(key) ?? [0, 0]; e[0]++; e[1] += k.kernelTimeMs as number; m.set(key, e);
}
console.log('kernels', p.kernels.length);
for (const [k, [n, ms]] of [...m].sort((a, b) => b[1][1] - a[1][1]).slice(0, 30)) console.log(ms.toFixed(1).padStart(7), String(n).padStart(4), k);
