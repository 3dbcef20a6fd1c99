// The model's own bias-free projection y = x W, W [in, out]: the slot layer that LoRA may replace.

import type { DenseLinear } from '@relora/core';
import * as tf from '@tensorflow/tfjs-core';

class BiasFreeLinear implements DenseLinear {
  readonly inFeatures: number;
  readonly outFeatures: number;

  constructor(readonly kernel: tf.Variable) {
    const [inFeatures, outFeatures] = kernel.shape;
    if (kernel.rank !== 2 || inFeatures === undefined || outFeatures === undefined) {
      throw new Error(
        `kernelLinear: kernel must be 2D [in, out], got [${kernel.shape.join(', ')}]`,
      );
    }
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
  }

  apply(x: tf.Tensor): tf.Tensor {
    const last = x.shape[x.rank - 1];
    if (last !== this.inFeatures) {
      throw new Error(
        `kernelLinear: expected input [..., ${this.inFeatures}], got [${x.shape.join(', ')}]`,
      );
    }
    // Flatten to 2D: plain 2D matmuls are the fast path on every backend (wasm especially).
    if (x.rank === 2) return tf.matMul(x as tf.Tensor2D, this.kernel as tf.Tensor2D);
    return tf.tidy(() => {
      const y = tf.matMul(tf.reshape(x, [-1, this.inFeatures]), this.kernel as tf.Tensor2D);
      return tf.reshape(y, [...x.shape.slice(0, -1), this.outFeatures]);
    });
  }

  namedVariables(): Array<[string, tf.Variable]> {
    return [['weight', this.kernel]];
  }

  dispose(): void {
    this.kernel.dispose();
  }
}

/** Wraps a kernel variable W [in, out] as a bias-free {@link DenseLinear}; the layer owns W. */
export function kernelLinear(kernel: tf.Variable): DenseLinear {
  return new BiasFreeLinear(kernel);
}
