// A tiny LinearHost for the tests of packages that wrap a host's linears (lora, switchlora).
import type { ApplyOptions, DenseLinear, Linear, LinearHost } from '@relora/core';
import * as tf from '@tensorflow/tfjs-core';

/** Options of the dense layers a {@link TinyHost} builds (`@relora/lora`'s `denseLinear` takes them). */
export interface TinyHostLayerOptions {
  inFeatures: number;
  outFeatures: number;
  bias: boolean;
  seed: number;
}

/**
 * Named dense layers applied in order with ReLU between them. `layers` gives each layer's name, in
 * and out features; `dense` builds them (layer `i` seeded `seed * 1000 + i`), so this package needs
 * no layer implementation of its own.
 */
export class TinyHost implements LinearHost {
  private readonly slots: Array<[string, Linear]>;

  constructor(
    layers: Array<[string, number, number]>,
    dense: (options: TinyHostLayerOptions) => DenseLinear,
    seed = 1,
    bias = true,
  ) {
    this.slots = layers.map(([name, inFeatures, outFeatures], i) => [
      name,
      dense({ inFeatures, outFeatures, bias, seed: seed * 1000 + i }),
    ]);
  }

  namedLinears(): Array<[string, DenseLinear]> {
    return this.slots as Array<[string, DenseLinear]>;
  }

  setLinear(name: string, layer: Linear): void {
    this.slot(name)[1] = layer;
  }

  /** The layer now at `name`. */
  layer(name: string): Linear {
    return this.slot(name)[1];
  }

  /** Every variable of every slot, `${name}.${suffix}`. */
  namedParameters(): Array<[string, tf.Variable]> {
    return this.slots.flatMap(([name, layer]) =>
      layer.namedVariables().map(([suffix, v]): [string, tf.Variable] => [`${name}.${suffix}`, v]),
    );
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

  private slot(name: string): [string, Linear] {
    const slot = this.slots.find(([n]) => n === name);
    if (!slot) throw new Error(`TinyHost: no layer '${name}'`);
    return slot;
  }
}
