// Micro-benchmark for PERF.md: matmul rates by variant, then a LLaMA-like step with a kernel profile.
// Run: cd /work/main && npx tsx packages/backend/scripts/bench-wasm.ts [--backend wasm|cpu] [--threads N] [--steps N] [--no-kernels]
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

function matmulRate(label: string, a: number[], b: number[], ta: boolean, tb: boolean, flops: number) {
  const x = tf.randomNormal(a);
  const y = tf.randomNormal(b);
    const s = time(() => tf.tidy(() => {
    tf.matMul(x, y, ta, tb).dataSync();
  }), 8);
  console.log(`${label.padEnd(34)} ${(flops / s / 1e9).toFixed(2).padStart(7)} GFLOP/s  (${(s * 1000).toFixed(1)} ms)`);
  tf.dispose([x, y]);
  return flops / s;
}

// --stock: measure tfjs-backend-wasm's own BatchMatMul (the baseline) instead of ours.
const wasmPackage = await import('@tensorflow/tfjs-backend-wasm');
const stockMatMul = tf.getKernel(tf.BatchMatMul, 'wasm');
const info = await initBackend({
  prefer: arg('backend', 'wasm') as 'wasm' | 'cpu',
  ...(process.argv.includes('--threads') ? { wasmThreads: Number(arg('threads', '1')) } : {}),
});
if (process.argv.includes('--stock') && stockMatMul) {
  tf.unregisterKernel(tf.BatchMatMul, 'wasm');
  tf.registerKernel(stockMatMul);
  stockMatMul.setupFunc?.(tf.backend());
  info.kernels = info.kernels.filter((name) => name !== tf.BatchMatMul);
}
void wasmPackage;
console.log(`backend ${info.name} threads ${info.threads ?? '-'} kernels [${info.kernels.join(', ')}]`);
const [m, k, n] = [1024, 128, 352];
const f2 = 2 * m * k * n;
const plain = matmulRate(`2D [${m},${k}]x[${k},${n}]`, [m, k], [k, n], false, false, f2);
matmulRate('2D transposeB (dx = dy Wᵀ)', [m, n], [k, n], false, true, f2);
matmulRate('2D transposeA (dW = xᵀ dy)', [k, m], [k, n], true, false, f2);
matmulRate('batched q·kᵀ [32,128,32]', [32, 128, 32], [32, 128, 32], false, true, 2 * 32 * 128 * 128 * 32);
matmulRate('batched p·v [32,128,128]x[..,32]', [32, 128, 128], [32, 128, 32], false, false, 2 * 32 * 128 * 128 * 32);

const shape = { ...DEMO_SHAPE, batch: Number(arg('batch', String(DEMO_SHAPE.batch))) };
const { step, dispose } = makeStep(shape);
step();
const steps = Number(arg('steps', '3'));
const s = time(step, steps);
const rate = stepFlops(shape) / s;
console.log(
  `step ${JSON.stringify(shape)}: ${(s * 1000).toFixed(0)} ms, ${(rate / 1e9).toFixed(2)} GFLOP/s = ${((100 * rate) / plain).toFixed(0)}% of plain 2D matmul`,
);
if (!process.argv.includes('--no-kernels')) {
  // Per-kernel CPU time: every wasm kernel wrapped with a process.cpuUsage() timer (tf.profile's
  // wall times swing with the other users' load). Time outside kernels is the engine's own.
  const byKernel = new Map<string, number>();
  const cpuMs = () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  };
  for (const config of tf.getKernelsForBackend(info.tfBackend)) {
    const inner = config.kernelFunc;
    tf.unregisterKernel(config.kernelName, config.backendName);
    tf.registerKernel({
      ...config,
      kernelFunc: (args) => {
        const t0 = cpuMs();
        const out = inner(args);
        const a = args.inputs as Record<string, tf.TensorInfo>;
        const key = config.kernelName === tf.BatchMatMul
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
  console.log(`one step ${stepMs.toFixed(0)} ms CPU: kernels ${total.toFixed(0)} ms, engine/JS outside kernels ${(stepMs - total).toFixed(0)} ms`);
  const matmul = [...byKernel].filter(([k]) => k.startsWith('BatchMatMul')).reduce((a, [, v]) => a + v, 0);
  console.log(`  matmuls ${matmul.toFixed(0)} ms (${((100 * matmul) / stepMs).toFixed(0)}%), other kernels ${(total - matmul).toFixed(0)} ms`);
  for (const [name, ms] of [...byKernel].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
    console.log(`  ${ms.toFixed(1).padStart(8)} ms ${((100 * ms) / stepMs).toFixed(1).padStart(5)}%  ${name}`);
  }
}
dispose();
