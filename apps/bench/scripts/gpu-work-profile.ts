// Dispatches, submits, syncs, uploads and new buffers of one training step on webgpu, by program:
// what packages/backend/PERF.md's WebGPU section counts (the counts do not depend on the GPU, so
// Mesa's lavapipe gives the same as a hardware adapter).
//
// From the repository root, once the packages are built:
//   npx tsx apps/bench/scripts/gpu-work-profile.ts [--preset tiny] [--rank 0|R] [--dropout 0.1]
//     [--batch 2] [--seq 64] [--vocab 258] [--top 25]
import { parseArgs } from 'node:util';
import { initBackend, releaseBackend } from '@relora/backend';
import { createLlama } from '@relora/llama';
import { applyLoRA } from '@relora/lora';
import { AdamW } from '@relora/optim';
import * as tf from '@tensorflow/tfjs-core';
import { countStepWork } from '../src/gpu-work-step';
import { syntheticBatch } from '../src/measure-kit';
import { presetConfig } from '../src/presets';

const { values: o } = parseArgs({
  options: {
    preset: { type: 'string', default: 'tiny' },
    rank: { type: 'string', default: '0' },
    dropout: { type: 'string', default: '0.1' },
    batch: { type: 'string', default: '2' },
    seq: { type: 'string', default: '64' },
    vocab: { type: 'string', default: '258' },
    top: { type: 'string', default: '25' },
  },
});

await initBackend({ prefer: 'webgpu' });
const config = presetConfig(o.preset!, Number(o.vocab), Number(o.seq));
const model = createLlama(config, { seed: 0 });
const rank = Number(o.rank);
if (rank > 0) applyLoRA(model, { rank, alpha: 32, dropout: Number(o.dropout), seed: 0 });
const trainable = model.trainableVariables();
const optimizer = new AdamW({ lr: 1e-3 });
const batch = syntheticBatch(Number(o.batch), Number(o.seq), config.vocabSize, 0);
// the first steps create AdamW's state and the buffer pool; the third is the steady state
for (let i = 0; i < 2; i++) await countStepWork(model, optimizer, trainable, batch);
const before = tf.memory().numTensors;
const counts = (await countStepWork(model, optimizer, trainable, batch))!;
const { byProgram, ...totals } = counts;
console.log(
  `${o.preset} ${rank > 0 ? `r${rank} dropout ${o.dropout}` : 'full'}: ${trainable.length} trainable tensors, leaked ${tf.memory().numTensors - before} tensors`,
);
console.log(JSON.stringify(totals));
for (const [name, n] of Object.entries(byProgram)
  .sort((a, b) => b[1] - a[1])
  .slice(0, Number(o.top)))
  console.log(`${String(n).padStart(6)}  ${name}`);
model.dispose();
optimizer.dispose();
releaseBackend();
