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
}

/** GFLOP/s of `tf.matMul(a, b)` with a [m, k], b [k, n], no transposes: median and spread. */
export async function measureMatmulGflops(
  m: number,
  k: number,
  n: number,
  options: MatmulRateOptions = {},
): Promise<Summary> {
  const { warmup = 2, repeats = 5, minMs = 300 } = options;
  const a = tf.randomUniform([m, k], -1, 1, 'float32', 1);
  const b = tf.randomUniform([k, n], -1, 1, 'float32', 2);
  const once = () =>
    timeMs(async () => {
      const c = tf.matMul(a, b);
      await syncOn(c);
      c.dispose();
    });
  try {
    for (let i = 0; i < warmup; i++) await once();
    const samples: number[] = [];
    let spent = 0;
    while ((samples.length < repeats || spent < minMs) && samples.length < 50) {
      const ms = await once();
      spent += ms;
      samples.push(matmulFlops(m, k, n) / (ms * 1e6));
    }
    return summarize(samples);
  } finally {
    a.dispose();
    b.dispose();
  }
}
