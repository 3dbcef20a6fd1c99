// AdamW on tfjs variables, step for step as torch.optim.AdamW, with state that can be read and written.
import * as tf from '@tensorflow/tfjs-core';
import { fusedAdamWUpdate, hasFusedAdamW } from './adamw-fused';
import { asFloat32, type GradientMap, gradientEntries } from './gradients';

/** A non-trainable variable over `initial`'s data; `initial` itself is freed (the variable keeps the data). */
function ownedVariable(initial: tf.Tensor): tf.Variable {
  // trainable = false keeps the moments out of tf.variableGrads' default variable list
  const variable = tf.variable(initial, false);
  initial.dispose();
  return variable;
}

/** Options of {@link AdamW}; defaults in {@link ADAMW_DEFAULTS}. */
export interface AdamWOptions {
  /** Base learning rate. */
  lr: number;
  /** Decay of the first moment m. Default 0.9. */
  beta1?: number;
  /** Decay of the second moment v. Default 0.999. */
  beta2?: number;
  /** Added to sqrt(v_hat) in the denominator. Default 1e-8. */
  epsilon?: number;
  /** Decoupled weight decay: p -= lr * weightDecay * p before the Adam update. Default 0 (the reference's). */
  weightDecay?: number;
}

/** Defaults of {@link AdamWOptions} (the reference's: betas (0.9, 0.999), weight decay 0). */
export const ADAMW_DEFAULTS = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0 } as const;

/** Live optimizer state of one variable; m and v have the variable's shape. */
export interface AdamWSlot {
  /** First moment (torch `exp_avg`). */
  readonly m: tf.Variable;
  /** Second moment (torch `exp_avg_sq`). */
  readonly v: tf.Variable;
  /** Updates applied to this variable (torch's per-parameter `step`), used for bias correction. */
  step: number;
}

/** A copy of the optimizer state keyed by `variable.name`; the caller owns (disposes) the tensors. */
export interface AdamWState {
  /** Calls to `applyGradients` so far. */
  step: number;
  slots: Record<string, { m: tf.Tensor; v: tf.Tensor; step: number }>;
}

/** Per-call options of {@link AdamW.applyGradients}. */
export interface ApplyGradientsOptions {
  /** Learning rate for this step (e.g. base LR times the schedule). Default: `optimizer.lr`. */
  lr?: number;
}

/**
 * AdamW with decoupled weight decay (Loshchilov & Hutter), as torch.optim.AdamW:
 * p *= 1 - lr*wd; m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2;
 * p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps).
 *
 * @example
 * const opt = new AdamW({ lr: 1e-3 });
 * const { value, grads } = tf.variableGrads(() => loss());
 * opt.applyGradients(grads); tf.dispose([value, grads]);
 */
export class AdamW {
  lr: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  weightDecay: number;
  /** Calls to `applyGradients` so far. */
  step = 0;
  private readonly state = new Map<tf.Variable, AdamWSlot>();

  constructor(options: AdamWOptions) {
    this.lr = options.lr;
    this.beta1 = options.beta1 ?? ADAMW_DEFAULTS.beta1;
    this.beta2 = options.beta2 ?? ADAMW_DEFAULTS.beta2;
    this.epsilon = options.epsilon ?? ADAMW_DEFAULTS.epsilon;
    this.weightDecay = options.weightDecay ?? ADAMW_DEFAULTS.weightDecay;
    const check = (name: string, ok: boolean, expected: string) => {
      if (!ok) throw new RangeError(`AdamW: ${name} must be ${expected}`);
    };
    check('lr', Number.isFinite(this.lr) && this.lr >= 0, `a finite number >= 0, got ${this.lr}`);
    check('beta1', this.beta1 >= 0 && this.beta1 < 1, `in [0, 1), got ${this.beta1}`);
    check('beta2', this.beta2 >= 0 && this.beta2 < 1, `in [0, 1), got ${this.beta2}`);
    check('epsilon', this.epsilon >= 0, `>= 0, got ${this.epsilon}`);
    check('weightDecay', this.weightDecay >= 0, `>= 0, got ${this.weightDecay}`);
  }

  /** The hyperparameters, as plain JSON. */
  options(): Required<AdamWOptions> {
    const { lr, beta1, beta2, epsilon, weightDecay } = this;
    return { lr, beta1, beta2, epsilon, weightDecay };
  }

  /** Live state of `variable` (undefined before its first update). Assign to m / v to edit in place. */
  slot(variable: tf.Variable): AdamWSlot | undefined {
    return this.state.get(variable);
  }

  /** Every live slot with its variable. */
  slots(): Array<[tf.Variable, AdamWSlot]> {
    return [...this.state.entries()];
  }

  /** One AdamW update of every variable in `grads`; variables absent from it are left alone. */
  applyGradients(grads: GradientMap, options: ApplyGradientsOptions = {}): void {
    const lr = options.lr ?? this.lr;
    if (!Number.isFinite(lr) || lr < 0)
      throw new RangeError(`AdamW.applyGradients: lr must be >= 0, got ${lr}`);
    const entries = gradientEntries(grads, 'AdamW.applyGradients');
    for (const [variable, grad] of entries) {
      if (!tf.util.arraysEqual(variable.shape, grad.shape)) {
        throw new Error(
          `AdamW.applyGradients: gradient shape [${grad.shape}] does not match variable '${variable.name}' [${variable.shape}]`,
        );
      }
    }
    this.step++;
    const fused = hasFusedAdamW();
    for (const [variable, grad] of entries) this.update(variable, grad, lr, fused);
  }

  /** `fused`: the backend has `@relora/backend`'s one-kernel update (same floats, fewer launches). */
  private update(variable: tf.Variable, grad: tf.Tensor, lr: number, fused: boolean): void {
    let slot = this.state.get(variable);
    if (!slot) {
      slot = {
        m: ownedVariable(tf.zerosLike(variable)),
        v: ownedVariable(tf.zerosLike(variable)),
        step: 0,
      };
      this.state.set(variable, slot);
    }
    slot.step++;
    const { m, v } = slot;
    const { beta1, beta2, epsilon, weightDecay } = this;
    if (fused && variable.dtype === 'float32') {
      fusedAdamWUpdate(variable, grad, m, v, {
        lr,
        beta1,
        beta2,
        epsilon,
        weightDecay,
        step: slot.step,
      });
      return;
    }
    // The ops path (every other backend): the fused kernel mirrors it operation by operation.
    const correction1 = 1 - beta1 ** slot.step;
    const correction2Sqrt = Math.sqrt(1 - beta2 ** slot.step);
    tf.tidy(() => {
      const g = asFloat32(grad);
      // torch: exp_avg.lerp_(grad, 1 - beta1); exp_avg_sq.mul_(beta2).addcmul_(grad, grad, 1 - beta2)
      const mNext = tf.add(m, tf.mul(tf.sub(g, m), 1 - beta1));
      const vNext = tf.add(tf.mul(v, beta2), tf.mul(tf.mul(g, g), 1 - beta2));
      const decayed = weightDecay > 0 ? tf.mul(variable, 1 - lr * weightDecay) : variable;
      const denom = tf.add(tf.div(tf.sqrt(vNext), correction2Sqrt), epsilon);
      const next = tf.sub(decayed, tf.mul(tf.div(mNext, denom), lr / correction1));
      m.assign(mNext);
      v.assign(vNext);
      variable.assign(next);
    });
  }

  /** A copy of the state, keyed by `variable.name`; dispose its tensors when done. */
  getState(): AdamWState {
    const slots: AdamWState['slots'] = {};
    for (const [variable, slot] of this.state) {
      slots[variable.name] = { m: tf.clone(slot.m), v: tf.clone(slot.v), step: slot.step };
    }
    return { step: this.step, slots };
  }

  /**
   * Replaces the whole state with a copy of `state` (keyed by `variable.name` of live variables).
   * Everything is checked before anything changes.
   */
  setState(state: AdamWState): void {
    const registry = tf.engine().registeredVariables;
    const resolved = Object.entries(state.slots).map(([name, saved]) => {
      const variable = registry[name];
      if (!variable) throw new Error(`AdamW.setState: no live tf.Variable named '${name}'`);
      for (const [which, tensor] of [
        ['m', saved.m],
        ['v', saved.v],
      ] as const) {
        if (!tf.util.arraysEqual(tensor.shape, variable.shape)) {
          throw new Error(
            `AdamW.setState: ${which} of '${name}' has shape [${tensor.shape}], expected [${variable.shape}]`,
          );
        }
      }
      if (!Number.isInteger(saved.step) || saved.step < 0) {
        throw new Error(
          `AdamW.setState: step of '${name}' must be an integer >= 0, got ${saved.step}`,
        );
      }
      return [variable, saved] as const;
    });
    this.dispose();
    this.step = state.step;
    for (const [variable, saved] of resolved) {
      this.state.set(variable, {
        m: ownedVariable(tf.cast(saved.m, 'float32')),
        v: ownedVariable(tf.cast(saved.v, 'float32')),
        step: saved.step,
      });
    }
  }

  /** Frees every moment tensor and forgets all state (hyperparameters stay). */
  dispose(): void {
    for (const slot of this.state.values()) {
      slot.m.dispose();
      slot.v.dispose();
    }
    this.state.clear();
  }
}
