// Where the bench's training step spends its time, kernel by kernel, on @relora/llama's model, and
// what @relora/backend's wasm kernels gain over tfjs-backend-wasm's own (--stock, --ab). The
// measurements of packages/backend/PERF.md come from here and from relora-bench.
//
// From the repository root, once the packages are built (npx turbo run build --filter=relora-bench...):
//   npx tsx apps/bench/scripts/kernel-profile.ts [--preset demo] [--rank 0|R] [--dropout 0.1]
//     [--batch 8] [--seq 64] [--vocab 258] [--backend wasm|cpu] [--threads N] [--warmup 40]
//     [--steps 15] [--stock all|Name,...] [--ab Name,...]
// --rank R > 0: the LoRA/ReLoRA step (applyLoRA, alpha 32); 0: full rank.
// --stock: tfjs-backend-wasm's own kernels for these names throughout.
// --ab: stock and ours for these names in alternating rounds on the same step, so that both see
//   the same load from whatever else runs on the machine.
import { parseArgs } from 'node:util';
import { type BackendName, initBackend } from '@relora/backend';
import { createLlama } from '@relora/llama';
import { applyLoRA } from '@relora/lora';
import { AdamW } from '@relora/optim';
import * as tf from '@tensorflow/tfjs-core';
import { now, syntheticBatch, warmUp } from '../src/measure-kit';
import { presetConfig } from '../src/presets';
import { summarize } from '../src/stats';
import { createTimedStep } from '../src/timed-step';

const { values: o } = parseArgs({
  options: {
    preset: { type: 'string', default: 'demo' },
    rank: { type: 'string', default: '0' },
    dropout: { type: 'string', default: '0.1' },
    batch: { type: 'string', default: '8' },
    seq: { type: 'string', default: '64' },
    vocab: { type: 'string', default: '258' },
    backend: { type: 'string', default: 'wasm' },
    threads: { type: 'string' },
    warmup: { type: 'string', default: '40' },
    steps: { type: 'string', default: '15' },
    stock: { type: 'string', default: '' },
    ab: { type: 'string', default: '' },
  },
});
const names = (list: string) => list.split(',').filter(Boolean);

// The stock kernels, taken before initBackend replaces them.
await import('@tensorflow/tfjs-backend-wasm');
const stock = new Map(tf.getKernelsForBackend('wasm').map((k) => [k.kernelName, k]));
const info = await initBackend({
  prefer: o.backend as BackendName,
  ...(o.threads ? { wasmThreads: Number(o.threads) } : {}),
});
const ours = new Map(info.kernels.map((name) => [name, tf.getKernel(name, info.tfBackend)!]));
console.log(
  `backend ${info.name}, ${info.threads ?? 1} thread(s), kernel errors ${JSON.stringify(info.kernelErrors)}`,
);

function use(configs: Array<tf.KernelConfig | undefined>): void {
  for (const config of configs) {
    if (!config) continue;
    tf.unregisterKernel(config.kernelName, config.backendName);
    tf.registerKernel(config);
    config.setupFunc?.(tf.backend());
  }
}
const stockNames = o.stock === 'all' ? [...ours.keys()] : names(o.stock);
use(stockNames.map((name) => stock.get(name)));

const config = presetConfig(o.preset, Number(o.vocab), Number(o.seq));
const batch = syntheticBatch(Number(o.batch), Number(o.seq), config.vocabSize, 0);
const model = createLlama(config, { seed: 0 });
const rank = Number(o.rank);
if (rank > 0) applyLoRA(model, { rank, alpha: 32, dropout: Number(o.dropout), seed: 0 });
const optimizer = new AdamW({ lr: 1e-3 });
const { step } = createTimedStep(model, optimizer, model.trainableVariables(), batch);
const steps = Number(o.steps);
const stepMs = async () => {
  const t = await step();
  return t.gradMs + t.optimizerMs;
};
const timeSteps = async () => {
  const ms: number[] = [];
  for (let i = 0; i < steps; i++) ms.push(await stepMs());
  return summarize(ms);
};
const fmt = (ms: number) => ms.toFixed(1);

const warmed = await warmUp({ warmupSteps: Number(o.warmup), warmupSec: 0 }, step);
const plain = await timeSteps();
console.log(
  `${o.preset}, ${rank > 0 ? `rank ${rank}, dropout ${o.dropout}` : 'full rank'}, batch ${o.batch} x ${o.seq}` +
    `${stockNames.length ? `, stock ${stockNames.join(',')}` : ''}: ${warmed} warm-up steps, then ` +
    `median ${fmt(plain.median)} ms (best ${fmt(plain.min)}) over ${steps} steps`,
);

const abNames = names(o.ab);
if (abNames.length) {
  const best = { stock: Number.POSITIVE_INFINITY, ours: Number.POSITIVE_INFINITY };
  for (let round = 0; round < 5; round++) {
    use(abNames.map((name) => stock.get(name)));
    best.stock = Math.min(best.stock, (await timeSteps()).median);
    use(abNames.map((name) => ours.get(name)));
    best.ours = Math.min(best.ours, (await timeSteps()).median);
  }
  console.log(
    `A/B ${abNames.join(',')}, best of 5 medians: stock ${fmt(best.stock)} ms, ours ${fmt(best.ours)} ms`,
  );
}

// Every kernel wrapped with a clock: what is left of a step is the engine's and the model's JS.
const byKernel = new Map<string, { ms: number; calls: number }>();
for (const kernel of tf.getKernelsForBackend(info.tfBackend)) {
  const inner = kernel.kernelFunc;
  tf.unregisterKernel(kernel.kernelName, kernel.backendName);
  tf.registerKernel({
    ...kernel,
    kernelFunc: (args) => {
      const start = now();
      const out = inner(args);
      const spent = now() - start;
      const a = args.inputs as Record<string, tf.TensorInfo>;
      const key =
        kernel.kernelName === tf.BatchMatMul
          ? `BatchMatMul [${a.a!.shape}]x[${a.b!.shape}] ${args.attrs?.transposeA ? 'T' : 'N'}${args.attrs?.transposeB ? 'T' : 'N'}`
          : kernel.kernelName;
      const entry = byKernel.get(key) ?? { ms: 0, calls: 0 };
      byKernel.set(key, { ms: entry.ms + spent, calls: entry.calls + 1 });
      return out;
    },
  });
}
const profiled = await timeSteps();
const perStep = (x: number) => x / steps;
const total = [...byKernel.values()].reduce((sum, k) => sum + k.ms, 0);
const matmul = [...byKernel]
  .filter(([key]) => key.startsWith('BatchMatMul'))
  .reduce((sum, [, k]) => sum + k.ms, 0);
const launches = [...byKernel.values()].reduce((sum, k) => sum + k.calls, 0);
console.log(
  `per step, timers on: ${fmt(profiled.median)} ms median; kernels ${fmt(perStep(total))} ms ` +
    `(${perStep(launches)} launches), of which matmuls ${fmt(perStep(matmul))} ms; ` +
    `outside kernels ${fmt(profiled.median - perStep(total))} ms`,
);
for (const [key, k] of [...byKernel].sort((a, b) => b[1].ms - a[1].ms).slice(0, 30)) {
  console.log(
    `${fmt(perStep(k.ms)).padStart(8)} ms ${String(perStep(k.calls)).padStart(5)} x  ${key}`,
  );
}
model.dispose();
optimizer.dispose();
tf.dispose([batch.inputIds, batch.targets]);
