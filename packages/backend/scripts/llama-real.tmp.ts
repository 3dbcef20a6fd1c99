import * as tf from '@tensorflow/tfjs-core';
import { createLlama, llamaPreset } from '../../llama/src/index';
import { initBackend } from '../src/index';

await import('@tensorflow/tfjs-backend-wasm');
const stock = new Map(tf.getKernelsForBackend('wasm').map((k) => [k.kernelName, k]));
const info = await initBackend({ prefer: 'wasm' });
const model = createLlama(llamaPreset('demo', { vocabSize: 259, maxSeqLen: 128 }), { seed: 1 });
const ids = tf.randomUniform([8, 128], 0, 259, 'int32', 1) as tf.Tensor2D;
const tg = tf.randomUniform([8, 128], 0, 259, 'int32', 2) as tf.Tensor2D;
const vars = model.trainableVariables();
const step = () =>
  tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => model.loss(ids, tg), vars);
    for (const g of Object.values(grads)) g.dataSync();
    value.dataSync();
  });
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const t = () => {
  const t0 = cpu();
  step();
  return cpu() - t0;
};
const use = (cs: tf.KernelConfig[]) => {
  for (const c of cs) {
    tf.unregisterKernel(c.kernelName, 'wasm');
    tf.registerKernel(c);
    c.setupFunc?.(tf.backend());
  }
};
const names = info.kernels.filter((n) => stock.has(n));
const ours = names.map((n) => tf.getKernel(n, 'wasm')!);
step();
const best = { stock: 1e9, ours: 1e9 };
for (let r = 0; r < 3; r++) {
  use(names.map((n) => stock.get(n)!));
  best.stock = Math.min(best.stock, t());
  use(ours);
  best.ours = Math.min(best.ours, t());
}
console.log('real @relora/llama demo step (batch 8, seq 128, vocab 259):', best);
const by = new Map<string, number>();
for (const c of tf.getKernelsForBackend('wasm')) {
  const inner = c.kernelFunc;
  tf.unregisterKernel(c.kernelName, 'wasm');
  tf.registerKernel({
    ...c,
    kernelFunc: (a) => {
      const t0 = cpu();
      const o = inner(a);
      const ins = a.inputs as Record<string, tf.TensorInfo>;
      const key =
        c.kernelName === 'BatchMatMul'
          ? `BMM [${ins.a!.shape}]x[${ins.b!.shape}] ${a.attrs?.transposeA ? 'T' : 'N'}${a.attrs?.transposeB ? 'T' : 'N'}`
          : c.kernelName;
      by.set(key, (by.get(key) ?? 0) + cpu() - t0);
      return o;
    },
  });
}
const t0 = cpu();
step();
const total = cpu() - t0;
const k = [...by.values()].reduce((a, b) => a + b, 0);
const mm = [...by].filter(([n]) => n.startsWith('BMM')).reduce((a, [, v]) => a + v, 0);
console.log(
  `step ${total.toFixed(0)} ms: matmul ${mm.toFixed(0)}, other kernels ${(k - mm).toFixed(0)}, outside ${(total - k).toFixed(0)}`,
);
for (const [n, v] of [...by].sort((a, b) => b[1] - a[1]).slice(0, 22))
  console.log(v.toFixed(1).padStart(7), n);
