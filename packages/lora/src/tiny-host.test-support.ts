// Test fixture (not exported): a tiny LinearHost made of named dense layers, computed in sequence.

import type { ApplyOptions, DenseLinear, Linear, LinearHost } from '@relora/core';
import * as tf from '@tensorflow/tfjs-core';
import { denseLinear } from './dense-linear';

/** Layers applied in order with ReLU between them; `sizes` gives each layer's [in, out]. */
export class TinyHost implements LinearHost {
  private readonly slots: Array<[string, Linear]>;

  constructor(layers: Array<[string, number, number]>, seed = 1, bias = true) {
    this.slots = layers.map(([name, inFeatures, outFeatures], i) => [
      name,
      denseLinear({ inFeatures, outFeatures, bias, seed: seed * 1000 + i }),
    ]);
  }

  namedLinears(): Array<[string, DenseLinear]> {
    return this.slots as Array<[string, DenseLinear]>;
  }

  setLinear(name: string, layer: Linear): void {
    const slot = this.slots.find(([n]) => n === name);
    if (!slot) throw new Error(`TinyHost: no layer '${name}'`);
    slot[1] = layer;
  }

  layer(name: string): Linear {
    const slot = this.slots.find(([n]) => n === name);
    if (!slot) throw new Error(`TinyHost: no layer '${name}'`);
    return slot[1];
  }

  forward(x: tf.Tensor, options?: ApplyOptions): tf.Tensor {
    return tf.tidy(() =>
      this.slots.reduce((h, [, layer], i) => {
        const y = layer.apply(h, options);
        return i < this.slots.length - 1 ? tf.relu(y) : y;
      }, x),
    );
  }

  dispose(): void {
    for (const [, layer] of this.slots) layer.dispose();
  }
}
