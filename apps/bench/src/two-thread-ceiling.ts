// What two threads can get on this machine right now: plain JS loops alone, then on two threads at once.
import { Worker } from 'node:worker_threads';
import type { LoopScaling } from './case-schema';

/**
 * Bodies of `(n) => number` functions, after `packages/trainer/scripts/bench-workers.mts`.
 * `latency`: a chain of dependent square roots; each step waits for the last, so it scales on
 * any two hardware threads (SMT siblings included). `fpThroughput`: eight independent
 * multiply-add chains that keep one core's FP units busy; it scales only on two real cores
 * that nothing else is using. The script runs the same loops at a worker's top level, where
 * they took 3.4x (latency) and 13x (FP) longer: there the FP loop does not fill the FP units.
 */
export const CEILING_LOOPS = {
  latency: 'let x = 0; for (let i = 0; i < n; i++) x += Math.sqrt(i) * 1e-9; return x;',
  fpThroughput: `let a = 1, b = 1, c = 1, d = 1, e = 1, f = 1, g = 1, h = 1;
    for (let i = 0; i < n; i++) {
      a = a * 0.9999 + 1e-9; b = b * 0.9998 + 1e-9; c = c * 0.9997 + 1e-9; d = d * 0.9996 + 1e-9;
      e = e * 0.9995 + 1e-9; f = f * 0.9994 + 1e-9; g = g * 0.9993 + 1e-9; h = h * 0.9992 + 1e-9;
    }
    return a + b + c + d + e + f + g + h;`,
} as const;

/** Iterations per loop: 0.2-0.3 s alone each on this project's 2-vCPU EPYC machine. */
export const CEILING_ITERATIONS = { latency: 1e8, fpThroughput: 4e7 } as const;

/** Runs `body` with `n` iterations on a fresh worker thread; resolves with its own time, ms. */
function timeLoop(body: string, n: number): Promise<number> {
  const code = `const { parentPort, workerData } = require('node:worker_threads');
    const loop = (n) => { ${body} };
    const start = performance.now();
    const result = loop(workerData);
    parentPort.postMessage([performance.now() - start, result]);`;
  return new Promise((resolve, reject) => {
    const worker = new Worker(code, { eval: true, workerData: n });
    worker.once('message', ([ms]: [number, number]) => resolve(ms));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`two-thread ceiling: loop exited (${code})`)));
  });
}

/** The loop alone, then two copies at once; `scaling` = 2 x alone / the slower copy. */
export async function loopScaling(body: string, n: number): Promise<LoopScaling> {
  const aloneMs = await timeLoop(body, n);
  const pairMs = (await Promise.all([timeLoop(body, n), timeLoop(body, n)])) as [number, number];
  return { aloneMs, pairMs, scaling: (2 * aloneMs) / Math.max(...pairMs) };
}

/** Loop bodies and their iteration counts, as {@link measureTwoThreadCeiling} takes them. */
export type CeilingLoops = Record<keyof typeof CEILING_LOOPS, { body: string; iterations: number }>;

/**
 * Both loops' two-thread scaling, one after the other (about 1 s at `scale` 1). Near 2 for both:
 * two cores were free; the latency loop near 2 and the FP loop near 1: two hardware threads of
 * one core; both near 1: another process had a core. `scale` multiplies the iterations; `loops`
 * replaces the loops themselves (tests).
 */
export async function measureTwoThreadCeiling(
  scale = 1,
  loops: CeilingLoops = {
    latency: { body: CEILING_LOOPS.latency, iterations: CEILING_ITERATIONS.latency },
    fpThroughput: { body: CEILING_LOOPS.fpThroughput, iterations: CEILING_ITERATIONS.fpThroughput },
  },
): Promise<{ latency: LoopScaling; fpThroughput: LoopScaling }> {
  const iterations = (n: number) => Math.max(1, Math.round(n * scale));
  const latency = await loopScaling(loops.latency.body, iterations(loops.latency.iterations));
  const fpThroughput = await loopScaling(
    loops.fpThroughput.body,
    iterations(loops.fpThroughput.iterations),
  );
  return { latency, fpThroughput };
}
