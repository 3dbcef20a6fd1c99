// AdamW's whole per-variable update as one kernel: its name, attributes and arithmetic.

/**
 * Name of the fused AdamW kernel: `@relora/optim`'s `AdamW` runs it where a backend registers it
 * (`@relora/backend` does for wasm, cpu and webgpu). A contract: never rename it.
 */
export const ADAMW_UPDATE_KERNEL = 'ReloraAdamWUpdate';

/**
 * Attributes of {@link ADAMW_UPDATE_KERNEL}: `AdamWOptions` of `@relora/optim` plus the step.
 * Inputs are `{ param, grad, m, v }`, float32 tensors of one shape; outputs are
 * `[paramNext, mNext, vNext]`, three new tensors of that shape (the inputs are never written).
 */
export interface AdamWUpdateAttrs {
  /** Learning rate of this update. */
  lr: number;
  /** Decay of the first moment m. */
  beta1: number;
  /** Decay of the second moment v. */
  beta2: number;
  /** Added to the bias-corrected sqrt(v) in the denominator. */
  epsilon: number;
  /** Decoupled weight decay: p *= 1 - lr * weightDecay before the Adam step (0: none). */
  weightDecay: number;
  /** Updates of this variable including this one (torch's per-parameter `step`, >= 1): bias correction. */
  step: number;
}

const f = Math.fround;

/**
 * The update's scalar factors as the float32 values the ops path multiplies by, in the order
 * `[1 - b1, b2, 1 - b2, 1 - lr*wd, sqrt(1 - b2^t), eps, lr / (1 - b1^t)]`: each is computed in
 * float64 and then rounded once, as a JS number becomes a float32 scalar tensor.
 */
export function adamwConstants(attrs: AdamWUpdateAttrs): number[] {
  const { lr, beta1, beta2, epsilon, weightDecay, step } = attrs;
  return [
    f(1 - beta1),
    f(beta2),
    f(1 - beta2),
    f(1 - lr * weightDecay),
    f(Math.sqrt(1 - beta2 ** step)),
    f(epsilon),
    f(lr / (1 - beta1 ** step)),
  ];
}

/**
 * One AdamW update over flat float32 arrays (all of one length), as torch.optim.AdamW:
 * p *= 1 - lr*wd; m' = m + (g - m)(1 - b1); v' = v b2 + g² (1 - b2);
 * p' = p - (m' / (sqrt(v') / sqrt(1 - b2^t) + eps)) * (lr / (1 - b1^t)).
 * Each intermediate is rounded to float32 where `@relora/optim`'s ops path (one tfjs kernel per
 * operation, constants as float32 scalars) rounds it, so both paths give the same floats.
 * Every backend's kernel computes this element (the wasm kernel as SIMD).
 * Writes only the three output arrays.
 */
export function adamwUpdateValues(
  inputs: { param: Float32Array; grad: Float32Array; m: Float32Array; v: Float32Array },
  outputs: { param: Float32Array; m: Float32Array; v: Float32Array },
  attrs: AdamWUpdateAttrs,
): void {
  const [oneMinusBeta1, b2, oneMinusBeta2, decay, correction2Sqrt, eps, stepSize] = adamwConstants(
    attrs,
  ) as [number, number, number, number, number, number, number];
  const { param, grad, m, v } = inputs;
  const { param: paramOut, m: mOut, v: vOut } = outputs;
  const n = param.length;
  for (let i = 0; i < n; i++) {
    const g = grad[i]!;
    const mi = m[i]!;
    const mNext = f(mi + f(f(g - mi) * oneMinusBeta1));
    const vNext = f(f(v[i]! * b2) + f(f(g * g) * oneMinusBeta2));
    // without weight decay the ops path skips this product; decay is then exactly 1 and p * 1 = p
    const p = f(param[i]! * decay);
    const denom = f(f(f(Math.sqrt(vNext)) / correction2Sqrt) + eps);
    paramOut[i] = p - f(f(mNext / denom) * stepSize);
    mOut[i] = mNext;
    vOut[i] = vNext;
  }
}
