// The backend's plain 2D float32 matmul rate, the ceiling a training step is compared with.
import * as tf from '@tensorflow/tfjs-core';
import { matmulFlops } from './flops';
import { syncOn, timeMs } from './measure-kit';
import { type Summary, summarize } from './stats';

export interface MatmulRateOptions {
  /** Untimed runs first. Default 2. */
  warmup?: number;
  /** Timed runs at least. Default 5. */
  repeats?: number;
  /** Keep timing until this many milliseconds have passed (at most 50 runs). Default 300. */
  minMs?: number;
  /**
   * Queue products back to back until a sample lasts about this long, then wait once. On a GPU one
   * product can take a few ms, and a wait for the queue alone costs ~0.1-1 ms, which would count
   * as matmul time. Default 0: one product per wait (the CPU backends, whose waits cost nothing).
   */
  sampleMs?: number;
}

/** GFLOP/s of `tf.matMul(a, b)` with a [m, k], b [k, n], no transposes: median and spread. */
export async function measureMatmulGflops(
  m: number,
  k: number,
  n: number,
  options: MatmulRateOptions = {},
): Promise<Summary> {
  const { warmup = 2, repeats = 5, minMs = 300, sampleMs = 0 } = options;
  const a = tf.randomUniform([m, k], -1, 1, 'float32', 1);
  const b = tf.randomUniform([k, n], -1, 1, 'float32', 2);
  const run = (products: number) =>
    timeMs(async () => {
      for (let i = 1; i < products; i++) tf.matMul(a, b).dispose();
      const c = tf.matMul(a, b);
      await syncOn(c);
      c.dispose();
    });
  try {
    let single = Number.POSITIVE_INFINITY;
    for (let i = 0; i < warmup; i++) single = Math.min(single, await run(1));
    const products = Math.max(1, Math.min(100, Math.ceil(sampleMs / single)));
    const samples: number[] = [];
    let spent = 0;
    while ((samples.length < repeats || spent < minMs) && samples.length < 50) {
      const ms = await run(products);
      spent += ms;
      samples.push((products * matmulFlops(m, k, n)) / (ms * 1e6));
    }
    return summarize(samples);
  } finally {
    a.dispose();
    b.dispose();
  }
}
