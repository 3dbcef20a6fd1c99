// Steps/s of the relora-pretrain demo step (llama `demo`, batch 8 x seq 64, wasm) on 1 vs N data-parallel threads.
// Usage: npx tsx packages/trainer/scripts/bench-workers.mts [--workers 2] [--steps 6] [--rounds 3] [--mode full|relora] [--batch 8] [--total 8] [--seq 64]
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { initBackend } from '@relora/backend';
import { createLlama, llamaPreset } from '@relora/llama';
import * as tf from '@tensorflow/tfjs-core';
import { Trainer } from '../src/index.ts';
import { DataParallelGradients } from '../src/node.ts';

const { values } = parseArgs({
  options: {
    workers: { type: 'string', default: '2' },
    steps: { type: 'string', default: '6' },
    rounds: { type: 'string', default: '3' },
    mode: { type: 'string', default: 'full' },
    batch: { type: 'string', default: '8' },
    seq: { type: 'string', default: '64' },
    total: { type: 'string' },
  },
});
const workers = Number(values.workers);
const steps = Number(values.steps);
const rounds = Number(values.rounds);
const batch = Number(values.batch);
const seq = Number(values.seq);
const total = Number(values.total ?? batch);
const mode = values.mode as 'full' | 'relora';

await initBackend({ prefer: 'wasm' });
// The demo's byte tokenizer has 259 tokens; its context is max(256, --max-length).
const config = llamaPreset('demo', { vocabSize: 259, maxSeqLen: 256 });
let seed = 1;
const random = () => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed % config.vocabSize;
};
const train = {
  next: () => ({
    inputIds: tf.tensor2d(Int32Array.from({ length: batch * seq }, random), [batch, seq], 'int32'),
    targets: tf.tensor2d(Int32Array.from({ length: batch * seq }, random), [batch, seq], 'int32'),
  }),
  // Never checkpointed: random batches have no position to save.
  cursor: (): never => {
    throw new Error('bench-workers: random batches have no data cursor');
  },
  restore: () => {},
};
const options = {
  mode,
  numTrainingSteps: 1_000_000,
  batchSize: batch,
  totalBatchSize: total,
  maxLength: seq,
  warmStartSteps: 0,
  relora: mode === 'relora' ? 1_000_000 : null,
  cycleLength: null,
  loraR: 32,
  loraAlpha: 32,
  evalEvery: 0,
  saveEvery: 0,
  lr: 1e-4,
  scheduler: 'cosine' as const,
};
const dp = await DataParallelGradients.start({ workers, modelConfig: config });
const trainers = [1, workers].map(
  (n) =>
    new Trainer({
      model: createLlama(config, { seed: 0 }),
      train,
      options,
      ...(n > 1 ? { gradients: dp } : {}),
    }),
);

async function timeSteps(trainer: Trainer, count: number): Promise<number[]> {
  const ms: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    await trainer.step();
    ms.push(performance.now() - t0);
  }
  return ms;
}
// What two threads can get at this moment, from plain loops alone and then on two threads at once:
// a latency-bound chain (scales on any two hardware threads) and a throughput-bound loop of 8
// independent multiply-adds (saturates a core's FP ports: it scales only on two real cores).
const LOOPS = {
  latency: 'let x = 0; for (let i = 0; i < 1e8; i++) x += Math.sqrt(i) * 1e-9; r = x;',
  throughput: `let a=1,b=1,c=1,d=1,e=1,f=1,g=1,h=1; for (let i = 0; i < 4e7; i++) {
    a=a*0.9999+1e-9; b=b*0.9998+1e-9; c=c*0.9997+1e-9; d=d*0.9996+1e-9;
    e=e*0.9995+1e-9; f=f*0.9994+1e-9; g=g*0.9993+1e-9; h=h*0.9992+1e-9; } r = a+b+c+d+e+f+g+h;`,
};
const loop = (body: string) =>
  new Promise<number>((resolve) => {
    // Inside a function: at a worker script's top level V8 leaves the loops 3-13x slower.
    const code = `const run = () => { let r; ${body} return r; };
      const t0 = performance.now(); const r = run();
      require('node:worker_threads').parentPort.postMessage([performance.now() - t0, r]);`;
    new Worker(code, { eval: true }).once('message', ([ms]: [number]) => resolve(ms));
  });
async function twoThreadCeiling(body: string): Promise<number> {
  const alone = await loop(body);
  const both = await Promise.all([loop(body), loop(body)]);
  return (2 * alone) / Math.max(...both);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

for (const t of trainers) await timeSteps(t, 2); // warm-up: kernels, packing, worker JIT
console.log(
  `mode ${mode}, batch ${batch} (total ${total}) x seq ${seq}, ${workers} threads vs 1; load ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
const speedups: number[] = [];
for (let r = 0; r < rounds; r++) {
  // Steps alternate between the two trainers, so both see the same load from other users.
  const times: [number[], number[]] = [[], []];
  for (let i = 0; i < steps; i++) {
    for (const [t, trainer] of trainers.entries()) times[t]?.push(...(await timeSteps(trainer, 1)));
  }
  const one = median(times[0]);
  const many = median(times[1]);
  const latency = await twoThreadCeiling(LOOPS.latency);
  const throughput = await twoThreadCeiling(LOOPS.throughput);
  speedups.push(one / many);
  console.log(
    `round ${r + 1}: 1 thread ${one.toFixed(0)} ms/step (${(1000 / one).toFixed(2)} steps/s), ` +
      `${workers} threads ${many.toFixed(0)} ms/step (${(1000 / many).toFixed(2)} steps/s): ` +
      `${(one / many).toFixed(2)}x; 2-thread scaling now: latency-bound loop ${latency.toFixed(2)}x, FP-throughput loop ${throughput.toFixed(2)}x; load ${loadavg()[0]?.toFixed(2)}`,
  );
}
console.log(
  `speedup median ${median(speedups).toFixed(2)}x, range ${Math.min(...speedups).toFixed(2)}-${Math.max(...speedups).toFixed(2)}x`,
);
await dp.close();
