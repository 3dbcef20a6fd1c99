// A plain dense layer satisfying `DenseLinear`: the minimal host-side layer that `applyLoRA` wraps.

import type { ApplyOptions, DenseLinear } from '@relora/core';
import * as tf from '@tensorflow/tfjs-core';
import { kaimingUniform, linearBiasUniform, type Seed, subSeed } from './init';
import { checkFeatures, flatMatMul } from './linear-ops';

/** Options of {@link denseLinear}. */
export interface DenseLinearOptions {
  /** Input features (`in`). */
  inFeatures: number;
  /** Output features (`out`). */
  outFeatures: number;
  /** Whether the layer has a bias [out]. Default true (as torch's nn.Linear). */
  bias?: boolean;
  /** Seed for the init (torch nn.Linear's: uniform ±1/sqrt(in)). Default: unseeded. */
  seed?: number | string;
}

class Dense implements DenseLinear {
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly kernel: tf.Variable;
  readonly bias?: tf.Variable;

  constructor(options: DenseLinearOptions) {
    const { inFeatures, outFeatures } = options;
    checkFeatures('denseLinear', inFeatures, outFeatures);
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    const seed: Seed = options.seed;
    this.kernel = tf.tidy(() =>
      tf.variable(kaimingUniform([inFeatures, outFeatures], subSeed(seed, 'weight'))),
    );
    if (options.bias ?? true) {
      this.bias = tf.tidy(() =>
        tf.variable(linearBiasUniform(inFeatures, outFeatures, subSeed(seed, 'bias'))),
      );
    }
  }

  apply(x: tf.Tensor, _options?: ApplyOptions): tf.Tensor {
    return flatMatMul('denseLinear', x, this.inFeatures, (x2) => {
      const y = tf.matMul(x2, this.kernel);
      return this.bias ? tf.add(y, this.bias) : y;
    });
  }

  namedVariables(): Array<[string, tf.Variable]> {
    const named: Array<[string, tf.Variable]> = [['weight', this.kernel]];
    if (this.bias) named.push(['bias', this.bias]);
    return named;
  }

  dispose(): void {
    this.kernel.dispose();
    this.bias?.dispose();
  }
}

/**
 * A dense layer y = x W + b with W [in, out] and b [out], initialised as torch's nn.Linear.
 * Maps x [..., in] -> y [..., out].
 */
export function denseLinear(options: DenseLinearOptions): DenseLinear {
  return new Dense(options);
}
