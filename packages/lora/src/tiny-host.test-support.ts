// Test fixture (not exported): @relora/testing's TinyHost made of this package's dense layers.

import { TinyHost as Host } from '@relora/testing';
import { denseLinear } from './dense-linear';

/** Layers applied in order with ReLU between them; `layers` gives each layer's name, in and out. */
export class TinyHost extends Host {
  constructor(layers: Array<[string, number, number]>, seed = 1, bias = true) {
    super(layers, denseLinear, seed, bias);
  }
}
