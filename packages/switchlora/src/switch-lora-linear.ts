// The SwitchLoRA layer: a frozen weight plus s·A·B whose rank-1 vectors are switched, one slot at a
// time, for candidates from a pool (official switch_lora.py `SwitchLoraLayer`, `_switch_chosen_indices`).

import type { ApplyOptions, DenseLinear, Linear } from '@relora/core';
import { LoRALinear, type LoRARngState } from '@relora/lora';
import { type AdamW, correctSliceSteps, zeroMomentSlices } from '@relora/optim';
import * as tf from '@tensorflow/tfjs-core';
import { switchLoraInitBounds } from './init';
import { SWITCHLORA_DEFAULTS, type SwitchLoRALayerOptions } from './options';

/** Layer options with defaults filled in. */
export type ResolvedSwitchLoRALayerOptions = Required<Omit<SwitchLoRALayerOptions, 'seed'>> & {
  seed: number | string | undefined;
};

/** The vectors one {@link SwitchLoRALinear.switchStep} switched. */
export interface SwitchedVectors {
  /** Columns of A [in, r] (the official rows of A [r, in]) that took a new candidate. */
  slotsA: number[];
  /** Rows of B [r, out] (the official columns of B [out, r]) that took a new candidate. */
  slotsB: number[];
  /** The candidate each of `slotsA` took, an index into `candidatesA`. */
  candidatesA: number[];
  /** The candidate each of `slotsB` took, an index into `candidatesB`. */
  candidatesB: number[];
}

/** How a layer treats the optimizer at a switch (the schedule's options). */
export interface SwitchOptimizerOptions {
  /** N_freeze; -1 for none. */
  adamWarmStep: number;
  remainSwitchState: boolean;
  remainSwitchStepState: boolean;
}

/** The switch bookkeeping of one layer, plain JSON (the official `*_param` buffers). */
export interface SwitchLoRALayerMeta {
  /** Candidate index held by each slot of A / B (`selected_A_indices`, `selected_B_indices`). */
  selectedA: number[];
  selectedB: number[];
  /** Next slot to switch (`candidate_A_index`, `candidate_B_index`). */
  pointerA: number;
  pointerB: number;
  /** Steps each slot stays frozen (`fixed_A_steps`, `fixed_B_steps`); -1 marks a reset without freezing. */
  fixedA: number[];
  fixedB: number[];
  /** The optimizer's step count of A / B when each slot's own step counter was last zeroed. */
  stepBaseA: number[];
  stepBaseB: number[];
  /** Vectors switched so far in A and in B. */
  switchesA: number;
  switchesB: number;
}

/** A layer's whole switch state: the bookkeeping and both pools ([C, in] and [C, out], row-major). */
export interface SwitchLoRALayerState {
  meta: SwitchLoRALayerMeta;
  candidatesA: Float32Array;
  candidatesB: Float32Array;
}

const intTensor = (values: readonly number[]) => tf.tensor1d(values as number[], 'int32');
const mod = (x: number, n: number) => ((x % n) + n) % n;

/** `matrix` [R, L] with rows `rows` (distinct) replaced by `values` [k, L]; every value copied exactly. */
function replaceRows(
  matrix: tf.Tensor2D,
  rows: readonly number[],
  values: tf.Tensor2D,
): tf.Tensor2D {
  const keep = new Uint8Array(matrix.shape[0]).fill(1);
  for (const row of rows) keep[row] = 0;
  const indices = tf.tensor2d(rows as number[], [rows.length, 1], 'int32');
  const placed = tf.scatterND(indices, values, matrix.shape) as tf.Tensor2D;
  return tf.where(tf.tensor2d(keep, [keep.length, 1], 'bool'), matrix, placed);
}

/**
 * SwitchLoRA (Zhou et al., arXiv 2406.06564): y = x W + b + s·dropout(x)·A·B with W [in, out]
 * frozen, A [in, r] and B [r, out] trainable (tfjs layout: the official A [r, in] is our Aᵀ) and
 * s = alpha / r (1/r by default). Each slot i, the rank-1 update s·A[:, i]·B[i, :], can be switched
 * for a candidate vector from a pool of C = min(in, out) candidates per factor; the difference is
 * folded into W so the layer computes the same function across a switch.
 *
 * Init (official `_init_candidates`): every candidate uniform on ±{@link switchLoraInitBounds};
 * A's slots hold candidates C - r .. C - 1, B's the same rotated by r/2; W = W0 - s·A·B, so the
 * wrapped layer computes what the plain one did. The pools live on the backend as non-trainable
 * variables (the official code offloads them to the CPU) and are not among `namedVariables()`.
 *
 * It adopts the base's kernel and bias (no copy), marks them `trainable = false`, and owns them:
 * dispose this layer, not the base. W is written by every switch; keep it float32.
 */
export class SwitchLoRALinear implements Linear {
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly options: Readonly<ResolvedSwitchLoRALayerOptions>;
  /** C = min(in, out): candidates per factor. */
  readonly candidateCount: number;
  /** Frozen W [in, out], rewritten by each switch. */
  readonly kernel: tf.Variable;
  /** Frozen bias [out], if the base had one. */
  readonly bias?: tf.Variable;
  /** Trainable A [in, r]. */
  readonly loraA: tf.Variable;
  /** Trainable B [r, out]. */
  readonly loraB: tf.Variable;
  /** Candidates for A's slots, one per row: [C, in] (non-trainable). */
  readonly candidatesA: tf.Variable;
  /** Candidates for B's slots, one per row: [C, out] (non-trainable). */
  readonly candidatesB: tf.Variable;
  private readonly lora: LoRALinear;
  private meta: SwitchLoRALayerMeta;

  constructor(base: DenseLinear, options: SwitchLoRALayerOptions = {}) {
    const o: ResolvedSwitchLoRALayerOptions = {
      rank: options.rank ?? SWITCHLORA_DEFAULTS.rank,
      alpha: options.alpha ?? SWITCHLORA_DEFAULTS.alpha,
      dropout: options.dropout ?? SWITCHLORA_DEFAULTS.dropout,
      seed: options.seed,
    };
    const C = Math.min(base.inFeatures, base.outFeatures);
    if (!(Number.isInteger(o.rank) && o.rank >= 1 && o.rank <= C)) {
      throw new RangeError(
        `SwitchLoRALinear: rank must be an integer in [1, min(in, out) = ${C}], got ${o.rank}`,
      );
    }
    // LoRALinear checks the kernel, the alpha and the dropout, and runs the forward and its gradient.
    this.lora = new LoRALinear(base, { ...o, loraOnly: false });
    this.options = o;
    this.inFeatures = base.inFeatures;
    this.outFeatures = base.outFeatures;
    this.candidateCount = C;
    this.kernel = this.lora.kernel as tf.Variable;
    if (this.lora.bias) this.bias = this.lora.bias;
    this.loraA = this.lora.loraA;
    this.loraB = this.lora.loraB;
    const r = o.rank;
    const half = Math.floor(r / 2);
    const selectedA = Array.from({ length: r }, (_, i) => C - r + i);
    this.meta = {
      selectedA,
      // The official shift, so that continuous switching of B walks its candidates in order.
      selectedB: Array.from({ length: r }, (_, i) => selectedA[mod(i - half, r)] as number),
      pointerA: 0,
      pointerB: half,
      fixedA: new Array<number>(r).fill(0),
      fixedB: new Array<number>(r).fill(0),
      stepBaseA: new Array<number>(r).fill(0),
      stepBaseB: new Array<number>(r).fill(0),
      switchesA: 0,
      switchesB: 0,
    };
    const { boundA, boundB } = switchLoraInitBounds(this.inFeatures, this.outFeatures, r);
    const seed = (part: string) => (o.seed === undefined ? undefined : `${o.seed}:${part}`);
    const uniform = (shape: [number, number], bound: number, part: string) =>
      tf.variable(tf.randomUniform(shape, -bound, bound, 'float32', seed(part)), false);
    this.candidatesA = tf.tidy(() => uniform([C, this.inFeatures], boundA, 'candidates_A'));
    this.candidatesB = tf.tidy(() => uniform([C, this.outFeatures], boundB, 'candidates_B'));
    tf.tidy(() => {
      this.loraA.assign(tf.transpose(tf.gather(this.candidatesA, intTensor(this.meta.selectedA))));
      this.loraB.assign(tf.gather(this.candidatesB, intTensor(this.meta.selectedB)));
      this.kernel.assign(
        tf.sub(this.kernel, tf.mul(tf.matMul(this.loraA, this.loraB), this.scale)),
      );
    });
  }

  /** LoRA rank r. */
  get rank(): number {
    return this.options.rank;
  }

  /** s = alpha / r. */
  get scale(): number {
    return this.options.alpha / this.options.rank;
  }

  /** Whether switching can happen at all: the pools hold more candidates than slots (C > r). */
  get canSwitch(): boolean {
    return this.candidateCount > this.rank;
  }

  /** x [..., in] -> y [..., out], through `@relora/lora`'s LoRA product (and its hand-written gradient). */
  apply(x: tf.Tensor, options: ApplyOptions = {}): tf.Tensor {
    return this.lora.apply(x, options);
  }

  /** Variables by PEFT suffix: `weight`, `bias`, `lora_A.weight`, `lora_B.weight` (not the pools). */
  namedVariables(): Array<[string, tf.Variable]> {
    return this.lora.namedVariables();
  }

  /** The pools by the official names: `candidates_A` [C, in], `candidates_B` [C, out]. */
  candidateVariables(): Array<[string, tf.Variable]> {
    return [
      ['candidates_A', this.candidatesA],
      ['candidates_B', this.candidatesB],
    ];
  }

  /**
   * The not-yet-merged update s·A·B [in, out] (float32; the caller disposes it): W plus this is
   * what a plain dense layer computing the same function holds, e.g. for Hugging Face weights.
   */
  pendingUpdate(): tf.Tensor2D {
    return this.lora.pendingUpdate();
  }

  /**
   * Switches up to `requested` consecutive slots of A, then as many of B (official
   * `SwitchLoraLayer.switch`). The count is capped so that no slot whose counterpart is still frozen
   * is touched. Each slot takes the candidate after its predecessor's (round robin over the pool),
   * W += s·(old - new)·(counterpart), the old vector goes back to the pool slot it came from, and the
   * counterpart (B's row for an A column, A's column for a B row) is marked frozen for
   * `adamWarmStep` steps. The layer's output is unchanged up to float32 rounding. Reads nothing.
   */
  switchStep(requested: number, adamWarmStep: number): SwitchedVectors {
    const none: SwitchedVectors = { slotsA: [], slotsB: [], candidatesA: [], candidatesB: [] };
    if (!(Number.isInteger(requested) && requested >= 0))
      throw new RangeError(
        `SwitchLoRALinear.switchStep: requested must be an integer >= 0, got ${requested}`,
      );
    if (!this.canSwitch || requested === 0) return none;
    const r = this.rank;
    const m = this.meta;
    const frozenA = m.fixedA.filter((s) => s > 0).length;
    const frozenB = m.fixedB.filter((s) => s > 0).length;
    const available = Math.min(
      mod(m.pointerA - frozenA - m.pointerB, r),
      mod(m.pointerB - frozenB - m.pointerA, r),
    );
    const k = Math.min(requested, available);
    if (k === 0) return none;
    const slotsA = Array.from({ length: k }, (_, j) => (m.pointerA + j) % r);
    const slotsB = Array.from({ length: k }, (_, j) => (m.pointerB + j) % r);
    m.pointerA = (m.pointerA + k) % r;
    m.pointerB = (m.pointerB + k) % r;
    const candidatesA = this.nextCandidates(slotsA, m.selectedA);
    this.switchA(slotsA, candidatesA, adamWarmStep);
    const candidatesB = this.nextCandidates(slotsB, m.selectedB);
    this.switchB(slotsB, candidatesB, adamWarmStep);
    return { slotsA, slotsB, candidatesA, candidatesB };
  }

  /**
   * Zeroes the Adam state of the counterparts marked at this step's switch (official
   * `zero_lora_states`): m and v of those columns of A / rows of B, and unless
   * `remainSwitchStepState` their own step counters (kept here as the optimizer's step at the
   * reset, see {@link correctSliceSteps}). Nothing with `remainSwitchState`. Reads nothing.
   */
  resetSwitchedStates(optimizer: AdamW, o: SwitchOptimizerOptions): void {
    if (o.remainSwitchState) return;
    const fresh = (fixed: number[]) =>
      fixed.flatMap((s, i) => (s === o.adamWarmStep || s < 0 ? [i] : []));
    for (const [variable, axis, indices, base] of [
      [this.loraA, 1, fresh(this.meta.fixedA), this.meta.stepBaseA],
      [this.loraB, 0, fresh(this.meta.fixedB), this.meta.stepBaseB],
    ] as const) {
      if (indices.length === 0) continue;
      if (!zeroMomentSlices(optimizer, variable, { axis, indices })) continue;
      if (o.remainSwitchStepState) continue;
      const step = optimizer.slot(variable)?.step ?? 0;
      for (const i of indices) base[i] = step;
    }
  }

  /**
   * Gradient masks for this step (official `correct_switched_lora`): 0 for the frozen columns of A
   * ([1, r] values) and rows of B ([r] values), undefined where nothing is frozen; then counts the
   * freeze down by one step. Reads nothing.
   */
  takeGradientMasks(): { a?: Float32Array; b?: Float32Array } {
    const take = (fixed: number[]) => {
      let mask: Float32Array | undefined;
      fixed.forEach((s, i) => {
        if (s > 0) {
          mask ??= new Float32Array(fixed.length).fill(1);
          mask[i] = 0;
          fixed[i] = s - 1;
        } else if (s < 0) fixed[i] = 0;
      });
      return mask;
    };
    return { a: take(this.meta.fixedA), b: take(this.meta.fixedB) };
  }

  /**
   * After `optimizer.applyGradients(..., { lr })`: redoes the bias correction of A's columns and
   * B's rows with their own step counters (official `StepAdamW`). Reads nothing.
   */
  correctSliceSteps(optimizer: AdamW, lr: number): void {
    for (const [variable, axis, base] of [
      [this.loraA, 1, this.meta.stepBaseA],
      [this.loraB, 0, this.meta.stepBaseB],
    ] as const) {
      const step = optimizer.slot(variable)?.step;
      if (step === undefined) continue;
      correctSliceSteps(optimizer, variable, { axis, steps: base.map((b) => step - b), lr });
    }
  }

  /** A copy of the switch bookkeeping (JSON). */
  switchMeta(): SwitchLoRALayerMeta {
    return structuredClone(this.meta);
  }

  /** The switch state with both pools read back (asynchronously, in one wait). */
  async switchState(): Promise<SwitchLoRALayerState> {
    const [candidatesA, candidatesB] = await Promise.all([
      this.candidatesA.data(),
      this.candidatesB.data(),
    ]);
    return {
      meta: this.switchMeta(),
      candidatesA: Float32Array.from(candidatesA),
      candidatesB: Float32Array.from(candidatesB),
    };
  }

  /**
   * Restores {@link switchState} (W, A, B and the optimizer are restored with the model and the
   * optimizer). Everything is checked before anything changes.
   */
  restoreSwitchState(state: SwitchLoRALayerState): void {
    const r = this.rank;
    const C = this.candidateCount;
    const { meta } = state;
    const fail = (what: string) => {
      throw new Error(`SwitchLoRALinear.restoreSwitchState: ${what}`);
    };
    if (state.candidatesA?.length !== C * this.inFeatures)
      fail(
        `candidatesA must hold ${C} x ${this.inFeatures} values, got ${state.candidatesA?.length}`,
      );
    if (state.candidatesB?.length !== C * this.outFeatures)
      fail(
        `candidatesB must hold ${C} x ${this.outFeatures} values, got ${state.candidatesB?.length}`,
      );
    const ints = (name: keyof SwitchLoRALayerMeta, lo: number, hi: number) => {
      const value = meta?.[name];
      const list = Array.isArray(value) ? value : [value];
      if (Array.isArray(value) && value.length !== r)
        fail(`${name} must have ${r} entries, got ${value.length}`);
      for (const x of list)
        if (!(Number.isInteger(x) && x >= lo && x <= hi))
          fail(`${name} entries must be integers in [${lo}, ${hi}], got ${x}`);
    };
    ints('selectedA', 0, C - 1);
    ints('selectedB', 0, C - 1);
    ints('pointerA', 0, r - 1);
    ints('pointerB', 0, r - 1);
    ints('fixedA', -1, Number.MAX_SAFE_INTEGER);
    ints('fixedB', -1, Number.MAX_SAFE_INTEGER);
    ints('stepBaseA', 0, Number.MAX_SAFE_INTEGER);
    ints('stepBaseB', 0, Number.MAX_SAFE_INTEGER);
    ints('switchesA', 0, Number.MAX_SAFE_INTEGER);
    ints('switchesB', 0, Number.MAX_SAFE_INTEGER);
    this.meta = structuredClone(meta);
    tf.tidy(() => {
      this.candidatesA.assign(tf.tensor2d(state.candidatesA, [C, this.inFeatures]));
      this.candidatesB.assign(tf.tensor2d(state.candidatesB, [C, this.outFeatures]));
    });
  }

  /** The dropout counters (see `@relora/lora`'s `LoRALinear.rngState`); save them for an exact resume. */
  rngState(): LoRARngState {
    return this.lora.rngState();
  }

  /** Restores {@link rngState}. */
  restoreRngState(state: Partial<LoRARngState>): void {
    this.lora.restoreRngState(state);
  }

  /** Frees W, b, A, B and both pools. */
  dispose(): void {
    this.lora.dispose();
    this.candidatesA.dispose();
    this.candidatesB.dispose();
  }

  /** Official `_select_indices` (continuous): candidates after the previous slot's, round robin. */
  private nextCandidates(slots: number[], selected: number[]): number[] {
    const first = (selected[mod((slots[0] as number) - 1, this.rank)] as number) + 1;
    return slots.map((_, j) => (first + j) % this.candidateCount);
  }

  /** A's columns `slots` take candidates `next`; W += s·(old - new)ᵀ-outer-B[slot]; B's rows freeze. */
  private switchA(slots: number[], next: number[], adamWarmStep: number): void {
    const origins = slots.map((i) => this.meta.selectedA[i] as number);
    tf.tidy(() => {
      // Gathered before the write-back: the official (offloaded) pieces are copies.
      const fresh = tf.gather(this.candidatesA, intTensor(next)) as tf.Tensor2D; // [k, in]
      const old = tf.transpose(tf.gather(this.loraA, intTensor(slots), 1)) as tf.Tensor2D; // [k, in]
      const counterpart = tf.gather(this.loraB, intTensor(slots)) as tf.Tensor2D; // [k, out]
      const delta = tf.mul(tf.matMul(tf.sub(old, fresh), counterpart, true, false), this.scale);
      this.kernel.assign(tf.add(this.kernel, delta));
      this.candidatesA.assign(replaceRows(this.candidatesA as tf.Tensor2D, origins, old));
      this.loraA.assign(
        tf.transpose(replaceRows(tf.transpose(this.loraA) as tf.Tensor2D, slots, fresh)),
      );
    });
    slots.forEach((i, j) => {
      this.meta.selectedA[i] = next[j] as number;
      this.meta.fixedB[i] = adamWarmStep;
    });
    this.meta.switchesA += slots.length;
  }

  /** B's rows `slots` take candidates `next`; W += s·A[:, slot]-outer-(old - new); A's columns freeze. */
  private switchB(slots: number[], next: number[], adamWarmStep: number): void {
    const origins = slots.map((i) => this.meta.selectedB[i] as number);
    tf.tidy(() => {
      const fresh = tf.gather(this.candidatesB, intTensor(next)) as tf.Tensor2D; // [k, out]
      const old = tf.gather(this.loraB, intTensor(slots)) as tf.Tensor2D; // [k, out]
      const counterpart = tf.gather(this.loraA, intTensor(slots), 1) as tf.Tensor2D; // [in, k]
      const delta = tf.mul(tf.matMul(counterpart, tf.sub(old, fresh)), this.scale);
      this.kernel.assign(tf.add(this.kernel, delta));
      this.candidatesB.assign(replaceRows(this.candidatesB as tf.Tensor2D, origins, old));
      this.loraB.assign(replaceRows(this.loraB as tf.Tensor2D, slots, fresh));
    });
    slots.forEach((i, j) => {
      this.meta.selectedB[i] = next[j] as number;
      this.meta.fixedA[i] = adamWarmStep;
    });
    this.meta.switchesB += slots.length;
  }
}
