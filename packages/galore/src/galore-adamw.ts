// GaLore AdamW (Zhao et al. 2024, galore_torch/adamw.py) and Fira (Chen et al. 2024, fira_adamw.py) beside @relora/optim's AdamW.
import { AdamW } from '@relora/optim';
import * as tf from '@tensorflow/tfjs-core';
import { limitNormGrowth, scaledResidual } from './fira';
import { type GaLoreOptions, type ResolvedGaLoreOptions, resolveGaLoreOptions } from './options';
import {
  computeProjector,
  type ProjectionSide,
  project,
  projectBack,
  projectedShape,
  projectionSide,
} from './projector';

/** Live state of one projected matrix. */
export interface GaLoreSlot {
  readonly side: ProjectionSide;
  /** [in, r] (left) or [r, out] (right); undefined before the first step. */
  projector?: tf.Tensor2D;
  /** First moment, in projected shape. */
  readonly m: tf.Variable;
  /** Second moment, in projected shape. */
  readonly v: tf.Variable;
  /** Updates applied (the reference's per-parameter `step`); a refresh comes when step % T == 0. */
  step: number;
  /** Fira's ||S|| after limiting at the previous step (undefined before the first Fira step). */
  limiterNorm?: tf.Variable;
  /** Position among the targets: picks the SVD sketch's seed. */
  readonly index: number;
}

/** Per-call options of {@link GaLoreAdamW.applyGradients}. */
export interface GaLoreApplyOptions {
  /** Learning rate for this step (e.g. base LR times the schedule). Default: the options' `lr`. */
  lr?: number;
}

/** A non-trainable variable of zeros (the initial tensor freed: the variable keeps the data). */
function zerosVariable(shape: number[]): tf.Variable {
  const initial = tf.zeros(shape);
  const variable = tf.variable(initial, false);
  initial.dispose();
  return variable;
}

/**
 * AdamW where each target matrix's gradient G is projected onto its top-r singular subspace
 * (recomputed from G every `updateProjGap` steps, when the matrix's step counter is a multiple of
 * it), Adam runs on the r-dimensional R = project(G), and W -= eta · alpha · back(N) with
 * N = M / (sqrt(V) + eps) and eta = lr · sqrt(1 − b2^t) / (1 − b1^t). Moments survive a refresh,
 * as in the reference. With `fira`, the residual G − alpha·back(R) is added, scaled by phi and
 * limited in norm growth. Parameters that are not targets go to {@link adamw}, an ordinary
 * `@relora/optim` AdamW with the same lr, betas, epsilon and weight decay (its state serialises
 * with `serializeAdamWState`; the projected state with `serializeGaLoreState`).
 */
export class GaLoreAdamW {
  readonly options: ResolvedGaLoreOptions;
  /** The plain AdamW of every parameter that is not a target (embeddings, norms, LM head). */
  readonly adamw: AdamW;
  /** Calls to {@link applyGradients} so far. */
  step = 0;
  private readonly state = new Map<tf.Variable, GaLoreSlot>();
  private readonly byName = new Map<string, tf.Variable>();

  /** `targets`: the 2D variables to project (see `galoreTargets`), in a stable order. */
  constructor(options: GaLoreOptions, targets: Iterable<tf.Variable>) {
    this.options = resolveGaLoreOptions(options);
    const o = this.options;
    this.adamw = new AdamW({
      lr: o.lr,
      beta1: o.beta1,
      beta2: o.beta2,
      epsilon: o.epsilon,
      weightDecay: o.weightDecay,
    });
    let index = 0;
    for (const variable of targets) {
      if (variable.rank !== 2)
        throw new Error(
          `GaLoreAdamW: target '${variable.name}' must be 2D, got [${variable.shape}]`,
        );
      const shape = projectedShape(variable.shape, o.rank);
      this.state.set(variable, {
        side: projectionSide(variable.shape),
        m: zerosVariable(shape),
        v: zerosVariable(shape),
        step: 0,
        index: index++,
      });
      this.byName.set(variable.name, variable);
    }
  }

  /** The projected matrices with their live state, in target order. */
  slots(): Array<[tf.Variable, GaLoreSlot]> {
    return [...this.state.entries()];
  }

  /** Live state of a target (undefined for other variables). */
  slot(variable: tf.Variable): GaLoreSlot | undefined {
    return this.state.get(variable);
  }

  /**
   * One update of every variable in `grads` (keyed by `variable.name`): targets by GaLore/Fira,
   * the rest by {@link adamw}. Resolves once the weights are updated; a refresh reads the device
   * (the SVD's small cores), other steps read nothing.
   */
  async applyGradients(grads: tf.NamedTensorMap, options: GaLoreApplyOptions = {}): Promise<void> {
    const lr = options.lr ?? this.options.lr;
    if (!Number.isFinite(lr) || lr < 0)
      throw new RangeError(`GaLoreAdamW.applyGradients: lr must be >= 0, got ${lr}`);
    const plain: tf.NamedTensorMap = {};
    const projected: Array<[tf.Variable, tf.Tensor]> = [];
    for (const [name, grad] of Object.entries(grads)) {
      const target = this.byName.get(name);
      if (target) {
        if (!tf.util.arraysEqual(target.shape, grad.shape))
          throw new Error(
            `GaLoreAdamW.applyGradients: gradient shape [${grad.shape}] does not match '${name}' [${target.shape}]`,
          );
        projected.push([target, grad]);
      } else plain[name] = grad;
    }
    this.step++;
    this.adamw.applyGradients(plain, { lr });
    for (const [variable, grad] of projected) {
      const slot = this.state.get(variable) as GaLoreSlot;
      if (!slot.projector || slot.step % this.options.updateProjGap === 0)
        await this.refresh(slot, grad as tf.Tensor2D);
      this.update(variable, grad, slot, lr);
    }
  }

  /** New projector from the current raw gradient (the reference's `get_orthogonal_matrix`). */
  private async refresh(slot: GaLoreSlot, grad: tf.Tensor2D): Promise<void> {
    const o = this.options;
    const projector = await computeProjector(grad, o.rank, {
      oversample: o.oversample,
      powerIterations: o.powerIterations,
      // A sketch per matrix and refresh, the same in a resumed run.
      seed: (o.seed * 1_000_003 + slot.index * 65_537 + slot.step) >>> 0,
    });
    slot.projector?.dispose();
    slot.projector = projector;
  }

  private update(variable: tf.Variable, grad: tf.Tensor, slot: GaLoreSlot, lr: number): void {
    const o = this.options;
    const { side, m, v } = slot;
    const projector = slot.projector as tf.Tensor2D;
    slot.step++;
    const t = slot.step;
    const eta = (lr * Math.sqrt(1 - o.beta2 ** t)) / (1 - o.beta1 ** t);
    tf.tidy(() => {
      const r = project(grad, projector, side);
      const mNext = tf.add(tf.mul(m, o.beta1), tf.mul(r, 1 - o.beta1));
      const vNext = tf.add(tf.mul(v, o.beta2), tf.mul(tf.square(r), 1 - o.beta2));
      const n = tf.div(mNext, tf.add(tf.sqrt(vNext), o.epsilon));
      let direction: tf.Tensor = tf.mul(projectBack(n, projector, side), o.scale);
      if (o.fira) {
        const back = projectBack(r, projector, side);
        const residual = tf.sub(grad, o.firaResidual === 'code' ? tf.mul(back, o.scale) : back);
        const limited = limitNormGrowth(
          scaledResidual(residual, n, r, side),
          slot.limiterNorm as tf.Scalar | undefined,
          o.gamma,
        );
        const s = o.firaResidual === 'code' ? limited.s : tf.mul(limited.s, o.scale);
        direction = tf.add(direction, s);
        if (slot.limiterNorm) slot.limiterNorm.assign(limited.norm);
        else slot.limiterNorm = tf.keep(tf.variable(limited.norm, false));
      }
      let next = tf.sub(variable, tf.mul(direction, eta));
      if (o.weightDecay > 0) next = tf.mul(next, 1 - lr * o.weightDecay);
      m.assign(mNext);
      v.assign(vNext);
      variable.assign(next);
    });
  }

  /** Frees every projector, moment and limiter tensor, and the plain AdamW's state. */
  dispose(): void {
    for (const slot of this.state.values()) {
      tf.dispose([slot.m, slot.v]);
      slot.projector?.dispose();
      slot.limiterNorm?.dispose();
    }
    this.state.clear();
    this.byName.clear();
    this.adamw.dispose();
  }
}
