// SwiGLU feed-forward (Shazeer 2020), as HF's LlamaMLP: down(silu(gate(x)) * up(x)).

import type { ApplyOptions, Linear } from '@relora/core';
import * as tf from '@tensorflow/tfjs-core';

/** The three projections of one MLP block (HF gate_proj, up_proj, down_proj). */
export interface MlpSlots {
  gate: Linear;
  up: Linear;
  down: Linear;
}

/** The gate branch's activation: SiLU (SwiGLU) or none. */
export type MlpGateActivation = 'silu' | 'identity';

/** x [N, d] -> [N, d]. */
export function swiGluMlp(
  x: tf.Tensor2D,
  slots: MlpSlots,
  options?: ApplyOptions,
  gateActivation: MlpGateActivation = 'silu',
): tf.Tensor2D {
  return tf.tidy(() => {
    const gate = slots.gate.apply(x, options);
    // silu(g) = g * sigmoid(g); tfjs-core has no fused silu op.
    const activated = gateActivation === 'silu' ? tf.mul(gate, tf.sigmoid(gate)) : gate;
    return slots.down.apply(tf.mul(activated, slots.up.apply(x, options)), options) as tf.Tensor2D;
  });
}
