// The LoRA linear layer: y = x W + b + s * dropout(x) A B, with merge-and-reinit for ReLoRA restarts.

import type { ApplyOptions, DenseLinear, Linear } from '@relora/core';
import * as tf from '@tensorflow/tfjs-core';
import { dropoutMultiplier } from './dropout-mask';
import { kaimingUniform, subSeed } from './init';
import { checkFeatures, flatMatMul } from './linear-ops';
import { droppedLoRAMatMul, type LoRAProductParts, mergedLoRAMatMul } from './lora-matmul';
import { type LoRALinearOptions, type ResolvedLoRAOptions, resolveLoRAOptions } from './options';

/** What a LoRA layer wraps: a dense layer, or only a shape when `loraOnly`. */
export type LoRABase = DenseLinear | { readonly inFeatures: number; readonly outFeatures: number };

/** Counters that seed a LoRA layer's random draws; see {@link LoRALinear.rngState}. */
export interface LoRARngState {
  /** Merges so far: seeds A's next re-initialisation. */
  merges: number;
  /** Training forwards so far: seeds the next dropout mask. */
  dropoutCalls: number;
}

/**
 * A frozen dense layer plus a trainable low-rank update (Hu et al. 2021; ReLoRA, Lialin et al. 2023).
 * Shapes: W [in, out] (frozen), b [out] (frozen), A [in, r], B [r, out], c [] (trainable scaling only).
 * It adopts the base's kernel and bias variables (no copy) and marks them `trainable = false`;
 * from then on it owns them: dispose the LoRA layer, not the base.
 */
export class LoRALinear implements Linear {
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly options: Readonly<ResolvedLoRAOptions>;
  /** Frozen W [in, out]; absent with `loraOnly`. */
  readonly kernel?: tf.Variable;
  /** Frozen bias [out]; absent with `loraOnly` or when the base had none. */
  readonly bias?: tf.Variable;
  /** Trainable A [in, r], Kaiming-uniform (a = sqrt(5)). */
  readonly loraA: tf.Variable;
  /** Trainable B [r, out], zero at init and after each restart. */
  readonly loraB: tf.Variable;
  /** Trainable scalar c (s = tanh(c)) with `trainableScaling`. */
  readonly scalingParam?: tf.Variable;
  private merges = 0;
  private dropoutCalls = 0;
  private mergedDelta?: tf.Tensor2D;

  constructor(base: LoRABase, options: LoRALinearOptions = {}) {
    const o = resolveLoRAOptions('LoRALinear', options);
    checkFeatures('LoRALinear', base.inFeatures, base.outFeatures);
    this.options = o;
    this.inFeatures = base.inFeatures;
    this.outFeatures = base.outFeatures;
    if (!o.loraOnly) {
      const dense = base as Partial<DenseLinear>;
      if (!dense.kernel) {
        throw new Error(
          'LoRALinear: the base layer has no kernel; pass a DenseLinear, or set loraOnly: true',
        );
      }
      const expected = [this.inFeatures, this.outFeatures];
      if (dense.kernel.shape.join() !== expected.join() || dense.kernel.dtype !== 'float32') {
        throw new Error(
          `LoRALinear: kernel must be float32 [${expected.join(', ')}] (tfjs layout [in, out]), ` +
            `got ${dense.kernel.dtype} [${dense.kernel.shape.join(', ')}]`,
        );
      }
      this.kernel = dense.kernel;
      this.kernel.trainable = false;
      if (dense.bias) {
        // The reference freezes the bias with the weight (requires_grad=False).
        this.bias = dense.bias;
        this.bias.trainable = false;
      }
    }
    this.loraA = tf.tidy(() => tf.variable(this.initA()));
    this.loraB = tf.tidy(() => tf.variable(tf.zeros([o.rank, this.outFeatures])));
    if (o.trainableScaling) this.scalingParam = tf.tidy(() => tf.variable(tf.scalar(1)));
  }

  /** Restarts performed so far (merges). */
  get restarts(): number {
    return this.merges;
  }

  /**
   * The counters that pick this layer's next random draws (A's re-init at the next merge, the next
   * dropout mask). Save them with a checkpoint so a resumed run draws what an uninterrupted one would.
   */
  rngState(): LoRARngState {
    return { merges: this.merges, dropoutCalls: this.dropoutCalls };
  }

  /** Restores counters from {@link rngState}; `dropoutCalls` alone may be set to pick a mask stream. */
  restoreRngState(state: Partial<LoRARngState>): void {
    for (const [key, value] of Object.entries(state)) {
      if (value !== undefined && !(Number.isInteger(value) && value >= 0)) {
        throw new Error(
          `LoRALinear.restoreRngState: ${key} must be a non-negative integer, got ${value}`,
        );
      }
    }
    if (state.merges !== undefined) this.merges = state.merges;
    if (state.dropoutCalls !== undefined) this.dropoutCalls = state.dropoutCalls;
  }

  /**
   * The current scale s: alpha / rank, or tanh(c) with trainable scaling, where c is read back
   * asynchronously (a synchronous read would throw on webgpu and stall any GPU queue).
   */
  async scaling(): Promise<number> {
    if (!this.scalingParam) return this.options.alpha / this.options.rank;
    return Math.tanh((await this.scalingParam.data())[0] as number);
  }

  /**
   * x [..., in] -> y [..., out]. Dropout applies to the LoRA branch only, and only when `training`.
   * Runs through a hand-written gradient (`lora-matmul.ts`, trainable scaling included): without
   * dropout as x (W + s·A·B), with dropout as x W + s·(xd A) B keeping only the mask and x A for the
   * backward pass. W and b are closed over, not inputs, so autodiff yields no gradient for them.
   */
  apply(x: tf.Tensor, options: ApplyOptions = {}): tf.Tensor {
    return flatMatMul('LoRALinear', x, this.inFeatures, (x2) => {
      const rate = this.options.dropout;
      const parts: LoRAProductParts = {
        kernel: this.kernel as tf.Tensor2D | undefined,
        bias: this.bias,
        a: this.loraA as tf.Tensor2D,
        b: this.loraB as tf.Tensor2D,
        c: this.scalingParam as tf.Scalar | undefined,
        fixedScale: this.options.alpha / this.options.rank,
      };
      if (!(options.training && rate > 0)) return mergedLoRAMatMul(x2, parts);
      const seed = subSeed(this.options.seed, 'dropout', this.dropoutCalls++);
      // A fixed s rides in the mask (one multiply fewer each way); tanh(c) is applied inside.
      const scale = parts.c ? 1 : parts.fixedScale;
      return droppedLoRAMatMul(x2, parts, dropoutMultiplier(x2.shape, rate, seed, scale));
    });
  }

  /** The not-yet-merged update s·A·B [in, out] (float32); the caller disposes it. */
  pendingUpdate(): tf.Tensor2D {
    return tf.tidy(() => tf.mul(tf.matMul(this.loraA, this.loraB), this.scale()) as tf.Tensor2D);
  }

  /**
   * The total update since wrapping, sum over restarts of s·A·B [in, out], plus the pending one unless
   * `includePending` is false. After a restart this needs `trackDelta: true`. The caller disposes it.
   */
  updateDelta({ includePending = true }: { includePending?: boolean } = {}): tf.Tensor2D {
    if (this.merges > 0 && !this.mergedDelta) {
      throw new Error(
        'LoRALinear.updateDelta: merged updates were not tracked; create the layer with trackDelta: true',
      );
    }
    return tf.tidy(() => {
      const merged = this.mergedDelta ?? tf.zeros([this.inFeatures, this.outFeatures]);
      return (
        includePending ? tf.add(merged, this.pendingUpdate()) : tf.clone(merged)
      ) as tf.Tensor2D;
    });
  }

  /**
   * ReLoRA restart: W += s·A·B (float32), A re-drawn Kaiming-uniform, B = 0, c = `scalingResetValue`. Values are assigned
   * into the existing variables, so optimizer state keyed by variable stays attached. The layer's
   * function is unchanged up to float32 rounding. With `loraOnly` there is no W: it does nothing and
   * returns false, as the reference.
   */
  mergeAndReinit(): boolean {
    if (!this.kernel) return false;
    const kernel = this.kernel;
    const previous = this.mergedDelta;
    tf.tidy(() => {
      const update = this.pendingUpdate();
      kernel.assign(tf.add(kernel, update));
      if (this.options.trackDelta)
        this.mergedDelta = tf.keep(previous ? tf.add(previous, update) : update);
    });
    previous?.dispose();
    this.merges += 1;
    tf.tidy(() => {
      this.loraA.assign(this.initA());
      this.loraB.assign(tf.zerosLike(this.loraB));
      this.scalingParam?.assign(tf.scalar(this.options.scalingResetValue));
    });
    return true;
  }

  /** Variables by PEFT suffix: weight, bias, lora_A.weight, lora_B.weight, lora_scaling (those present). */
  namedVariables(): Array<[string, tf.Variable]> {
    const named: Array<[string, tf.Variable]> = [];
    if (this.kernel) named.push(['weight', this.kernel]);
    if (this.bias) named.push(['bias', this.bias]);
    named.push(['lora_A.weight', this.loraA], ['lora_B.weight', this.loraB]);
    if (this.scalingParam) named.push(['lora_scaling', this.scalingParam]);
    return named;
  }

  /** The LoRA variables only: A, B and c (if any). */
  loraVariables(): tf.Variable[] {
    return this.scalingParam
      ? [this.loraA, this.loraB, this.scalingParam]
      : [this.loraA, this.loraB];
  }

  /** Frees W, b, A, B, c and the tracked delta. */
  dispose(): void {
    for (const [, variable] of this.namedVariables()) variable.dispose();
    this.mergedDelta?.dispose();
    this.mergedDelta = undefined;
  }

  private scale(): tf.Scalar | number {
    return this.scalingParam
      ? tf.tanh(this.scalingParam as tf.Scalar)
      : this.options.alpha / this.options.rank;
  }

  private initA(): tf.Tensor2D {
    return kaimingUniform(
      [this.inFeatures, this.options.rank],
      subSeed(this.options.seed, 'lora_A', this.merges),
    );
  }
}

/** Factory form of `new LoRALinear(base, options)`. */
export function loraLinear(base: LoRABase, options?: LoRALinearOptions): LoRALinear {
  return new LoRALinear(base, options);
}
