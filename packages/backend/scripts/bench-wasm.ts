// Micro-benchmark for PERF.md: matmul rates by variant, then a LLaMA-like step with a kernel profile.
// Run: cd /work/main && npx tsx packages/backend/scripts/bench-wasm.ts [--backend wasm|cpu] [--threads N]
//   [--steps N] [--batch N] [--no-kernels] [--wall] [--stock all|BatchMatMul,Identity,...]
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../src/index';
import { DEMO_SHAPE, makeStep, stepFlops } from './llama-step';

const arg = (name: string, fallback: string) => {
  const k = process.argv.indexOf(`--${name}`);
  return k >= 0 ? process.argv[k + 1]! : fallback;
};

// Best of `reps` runs, in seconds of this process's CPU time (user + system): the machine is
// shared by several people, so wall time swings 3x with their load while CPU time barely moves.
// With --wall, wall time instead (what threads would improve).
const useWall = process.argv.includes('--wall');
function now(): number {
  if (useWall) return performance.now() / 1000;
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}
function time(f: () => void, reps: number): number {
  f();
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < reps; r++) {
    const t0 = now();
    f();
    best = Math.min(best, now() - t0);
  }
  return best;
}

function matmulRate(
  label: string,
  a: number[],
  b: number[],
  ta: boolean,
  tb: boolean,
  flops: number,
) {
  const x = tf.randomNormal(a);
  const y = tf.randomNormal(b);
  const s = time(
    () =>
      tf.tidy(() => {
        tf.matMul(x, y, ta, tb).dataSync();
      }),
    8,
  );
  console.log(
    `${label.padEnd(34)} ${(flops / s / 1e9).toFixed(2).padStart(7)} GFLOP/s  (${(s * 1000).toFixed(1)} ms)`,
  );
  tf.dispose([x, y]);
  return flops / s;
}

// --stock K1,K2 (or --stock all): use tfjs-backend-wasm's own kernels for these names instead of
// ours, to measure what each replacement gains.
await import('@tensorflow/tfjs-backend-wasm');
const stock = new Map(tf.getKernelsForBackend('wasm').map((k) => [k.kernelName, k]));
const info = await initBackend({
  prefer: arg('backend', 'wasm') as 'wasm' | 'cpu',
  ...(process.argv.includes('--threads') ? { wasmThreads: Number(arg('threads', '1')) } : {}),
});
const stockNames =
  arg('stock', '') === 'all' ? [...info.kernels] : arg('stock', '').split(',').filter(Boolean);
for (const name of stockNames) {
  const config = stock.get(name);
  if (!config) continue;
  tf.unregisterKernel(name, 'wasm');
  tf.registerKernel(config);
  config.setupFunc?.(tf.backend());
  info.kernels = info.kernels.filter((k) => k !== name);
}
console.log(
  `backend ${info.name} threads ${info.threads ?? '-'} kernels [${info.kernels.join(', ')}]`,
);
const [m, k, n] = [1024, 128, 352];
const f2 = 2 * m * k * n;
const plain = matmulRate(`2D [${m},${k}]x[${k},${n}]`, [m, k], [k, n], false, false, f2);
const attention = 2 * 32 * 128 * 128 * 32;
const variants: Array<[string, number[], number[], boolean, boolean, number]> = [
  ['2D transposeB (dx = dy Wᵀ)', [m, n], [k, n], false, true, f2],
  ['2D transposeA (dW = xᵀ dy)', [k, m], [k, n], true, false, f2],
  ['batched q·kᵀ [32,128,32]', [32, 128, 32], [32, 128, 32], false, true, attention],
  ['batched p·v [32,128,128]x[..,32]', [32, 128, 128], [32, 128, 32], false, false, attention],
];
for (const v of variants) matmulRate(...v);

const shape = { ...DEMO_SHAPE, batch: Number(arg('batch', String(DEMO_SHAPE.batch))) };
const { step, dispose } = makeStep(shape);
step();
const steps = Number(arg('steps', '3'));
const s = time(step, steps);
const rate = stepFlops(shape) / s;
// The plain rate again after the step, best of both: one disturbed sample would inflate the ratio.
const plainBest = Math.max(plain, matmulRate('2D plain again', [m, k], [k, n], false, false, f2));
console.log(
  `step ${JSON.stringify(shape)}: ${(s * 1000).toFixed(0)} ms, ${(rate / 1e9).toFixed(2)} GFLOP/s = ${((100 * rate) / plainBest).toFixed(0)}% of plain 2D matmul (${(plainBest / 1e9).toFixed(1)} GFLOP/s)`,
);
// --ab Name,...: alternate stock and our kernels for these names on the same step, best of 5 each.
// Interleaving keeps both sides under the same load from the machine's other users.
if (process.argv.includes('--ab')) {
  const names = arg('ab', '').split(',');
  const ours = names.map((name) => tf.getKernel(name, 'wasm')!);
  const use = (configs: tf.KernelConfig[]) => {
    for (const config of configs) {
      tf.unregisterKernel(config.kernelName, 'wasm');
      tf.registerKernel(config);
      config.setupFunc?.(tf.backend());
    }
  };
  const best = { stock: Number.POSITIVE_INFINITY, ours: Number.POSITIVE_INFINITY };
  for (let round = 0; round < 5; round++) {
    use(names.map((name) => stock.get(name)!));
    best.stock = Math.min(best.stock, time(step, 1));
    use(ours);
    best.ours = Math.min(best.ours, time(step, 1));
  }
  console.log(
    `A/B ${names.join(',')}: stock ${(best.stock * 1000).toFixed(0)} ms, ours ${(best.ours * 1000).toFixed(0)} ms`,
  );
}
// --fused-ab: the step with autodiff's RMSNorm/SwiGLU gradients against hand-written ones, alternating.
if (process.argv.includes('--fused-ab')) {
  const fused = makeStep(shape, true);
  const best = { autodiff: Number.POSITIVE_INFINITY, fused: Number.POSITIVE_INFINITY };
  const lossA = step();
  const lossB = fused.step();
  for (let round = 0; round < 5; round++) {
    best.autodiff = Math.min(best.autodiff, time(step, 1));
    best.fused = Math.min(best.fused, time(fused.step, 1));
  }
  console.log(
    `A/B custom gradients: autodiff ${(best.autodiff * 1000).toFixed(0)} ms, fused ${(best.fused * 1000).toFixed(0)} ms (loss ${lossA.toFixed(5)} vs ${lossB.toFixed(5)})`,
  );
  fused.dispose();
}
if (!process.argv.includes('--no-kernels')) {
  // Per-kernel time (CPU, or wall with --wall): every kernel wrapped with a timer (tf.profile's
  // wall times swing with the other users' load). Time outside kernels is the engine's own.
  const byKernel = new Map<string, number>();
  const cpuMs = () => now() * 1000;
  for (const config of tf.getKernelsForBackend(info.tfBackend)) {
    const inner = config.kernelFunc;
    tf.unregisterKernel(config.kernelName, config.backendName);
    tf.registerKernel({
      ...config,
      kernelFunc: (args) => {
        const t0 = cpuMs();
        const out = inner(args);
        const a = args.inputs as Record<string, tf.TensorInfo>;
        const key =
          config.kernelName === tf.BatchMatMul
            ? `BatchMatMul [${a.a!.shape}]x[${a.b!.shape}] ${args.attrs?.transposeA ? 'T' : 'N'}${args.attrs?.transposeB ? 'T' : 'N'}`
            : config.kernelName;
        byKernel.set(key, (byKernel.get(key) ?? 0) + cpuMs() - t0);
        return out;
      },
    });
  }
  const t0 = cpuMs();
  step();
  const stepMs = cpuMs() - t0;
  const total = [...byKernel.values()].reduce((a, b) => a + b, 0);
  console.log(
    `one step ${stepMs.toFixed(0)} ms ${useWall ? 'wall' : 'CPU'}: kernels ${total.toFixed(0)} ms, engine/JS outside kernels ${(stepMs - total).toFixed(0)} ms`,
  );
  const matmul = [...byKernel]
    .filter(([k]) => k.startsWith('BatchMatMul'))
    .reduce((a, [, v]) => a + v, 0);
  console.log(
    `  matmuls ${matmul.toFixed(0)} ms (${((100 * matmul) / stepMs).toFixed(0)}%), other kernels ${(total - matmul).toFixed(0)} ms`,
  );
  for (const [name, ms] of [...byKernel].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
    console.log(
      `  ${ms.toFixed(1).padStart(8)} ms ${((100 * ms) / stepMs).toFixed(1).padStart(5)}%  ${name}`,
    );
  }
}
dispose();
