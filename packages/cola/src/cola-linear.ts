// CoLA's linear layer on the @relora/core seam: factors A [in, r] and B [r, out], no bias, no W.
import type { Linear } from '@relora/core';
import { normalInit } from '@relora/llama';
import * as tf from '@tensorflow/tfjs-core';
import { colaProjection, colaProjectionRecomputed } from './cola-projection';

/** Options of {@link colaLinear}. */
export interface ColaLinearOptions {
  inFeatures: number;
  outFeatures: number;
  /** r, the width of the activation between the factors. */
  rank: number;
  /** CoLA-M: keep only x for the backward and recompute σ(x A) there. Default false. */
  recompute?: boolean;
  /** Seed of the init; undefined draws from Math.random. */
  seed?: number;
  /** Names the init streams (`${name}.cola_a`, `${name}.cola_b`), e.g. the HF module name. Default 'cola'. */
  name?: string;
  /** false leaves both factors 0 (a checkpoint overwrites them). Default true. */
  initialize?: boolean;
}

/**
 * The official init (`ColaLayer`, `cola_layer.py`): every entry of A and B is N(0, s²) with
 * s = r^(-1/4) (in + out)^(-1/4), so each entry of A B has variance 1 / (in + out).
 */
export function colaInitStd(inFeatures: number, outFeatures: number, rank: number): number {
  return rank ** -0.25 * (inFeatures + outFeatures) ** -0.25;
}

/** y = σ(x A) B: a projection with a SiLU inside its low-rank bottleneck (CoLA, arXiv 2502.10940). */
export class ColaLinear implements Linear {
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly rank: number;
  readonly recompute: boolean;
  /** A [in, r], torch's `cola_a` (the same orientation: the official code computes x @ cola_a). */
  readonly colaA: tf.Variable;
  /** B [r, out], torch's `cola_b`. */
  readonly colaB: tf.Variable;

  constructor(options: ColaLinearOptions) {
    const { inFeatures, outFeatures, rank, seed, name = 'cola', initialize = true } = options;
    for (const [field, value] of [
      ['inFeatures', inFeatures],
      ['outFeatures', outFeatures],
      ['rank', rank],
    ] as const) {
      if (!Number.isSafeInteger(value) || value < 1) {
        throw new Error(`colaLinear: ${field} must be a positive integer, got ${String(value)}`);
      }
    }
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    this.rank = rank;
    this.recompute = options.recompute ?? false;
    const std = colaInitStd(inFeatures, outFeatures, rank);
    const factor = (shape: [number, number], suffix: string) =>
      tf.tidy(() =>
        tf.variable(
          initialize ? normalInit(shape, std, seed, `${name}.${suffix}`) : tf.zeros(shape),
        ),
      );
    this.colaA = factor([inFeatures, rank], 'cola_a');
    this.colaB = factor([rank, outFeatures], 'cola_b');
  }

  /** x [..., in] -> [..., out]; rows are flattened so both matmuls are 2D. */
  apply(x: tf.Tensor): tf.Tensor {
    if (x.rank < 1 || x.shape[x.rank - 1] !== this.inFeatures) {
      throw new Error(
        `colaLinear: expected input [..., ${this.inFeatures}], got [${x.shape.join(', ')}]`,
      );
    }
    return tf.tidy(() => {
      const rows = x.rank === 2 ? (x as tf.Tensor2D) : tf.reshape(x, [-1, this.inFeatures]);
      const project = this.recompute ? colaProjectionRecomputed : colaProjection;
      const y = project(rows as tf.Tensor2D, this.colaA as tf.Tensor2D, this.colaB as tf.Tensor2D);
      return x.rank === 2 ? y : tf.reshape(y, [...x.shape.slice(0, -1), this.outFeatures]);
    });
  }

  /** The official parameter names: `cola_a`, `cola_b`. */
  namedVariables(): Array<[string, tf.Variable]> {
    return [
      ['cola_a', this.colaA],
      ['cola_b', this.colaB],
    ];
  }

  dispose(): void {
    this.colaA.dispose();
    this.colaB.dispose();
  }
}

/** Builds a {@link ColaLinear} with fresh factors. */
export function colaLinear(options: ColaLinearOptions): ColaLinear {
  return new ColaLinear(options);
}
