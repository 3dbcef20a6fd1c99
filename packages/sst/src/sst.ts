// SST over a model: wraps its projections and runs the per-step masking and normalisation, the
// resamples and the re-SVDs (Zhao et al., arXiv 2405.15481; methods.md 4.2 pseudo-code).
import { type LinearHost, mulberry32 } from '@relora/core';
import type * as tf from '@tensorflow/tfjs-core';
import { sampleSpectrum } from './sampling';
import { SSTLinear } from './sst-linear';
import {
  type ResolvedSSTOptions,
  resolveSSTOptions,
  SST_TARGETS,
  type SSTOptions,
} from './sst-options';

/** Moments an optimizer should zero: `indices` along `axis` (0 rows, 1 columns) of `variable`. */
export interface MomentReset {
  variable: tf.Variable;
  axis: 0 | 1;
  indices: number[];
}

/** The SST state of a model, plain JSON, for checkpoints (the factors are model parameters). */
export interface SSTState {
  format: 'relora-sst';
  version: 1;
  /** Values taken from the sampling generator so far (its position). */
  draws: number;
  /** Sampled pairs per module name. */
  sampled: Record<string, number[]>;
}

const matches = (name: string, targets: ReadonlyArray<string | RegExp>) =>
  targets.some((t) => (typeof t === 'string' ? name.includes(t) : t.test(name)));

/**
 * The SST controller. Per update step: {@link maskGradients} (only sampled vectors and every σ get
 * gradients), the optimizer update, {@link normalize}; after the step, {@link afterStep} re-SVDs
 * at the end of each round and resamples at the end of each iteration, returning the optimizer
 * moments to zero (vectors that enter the sampled set start fresh; all of a layer's after a re-SVD,
 * whose new basis they do not describe).
 */
export class SST {
  readonly layers: ReadonlyMap<string, SSTLinear>;
  readonly options: Readonly<ResolvedSSTOptions>;
  private uniform: () => number;
  private draws = 0;

  constructor(layers: Iterable<[string, SSTLinear]>, options: SSTOptions = {}) {
    this.options = resolveSSTOptions(options);
    this.layers = new Map(layers);
    this.uniform = mulberry32(this.options.seed);
    for (const [name, layer] of this.layers)
      if (this.options.rank > layer.k)
        throw new Error(
          `SST: rank ${this.options.rank} exceeds min(in, out) = ${layer.k} of ${name}`,
        );
  }

  /** Whether every layer has a sampled set (false before the first {@link resample}). */
  get sampled(): boolean {
    return [...this.layers.values()].every((l) => l.sampled.length > 0);
  }

  /** Draws r pairs per layer from its current σ; returns the moments to zero. */
  async resample(): Promise<MomentReset[]> {
    const resets: MomentReset[] = [];
    const sigmas = await Promise.all([...this.layers.values()].map((l) => l.s.data()));
    let i = 0;
    for (const layer of this.layers.values()) {
      const next = sampleSpectrum(
        sigmas[i++] as Float32Array,
        this.options.rank,
        this.options.sampling,
        () => {
          this.draws++;
          return this.uniform();
        },
      );
      const kept = new Set(layer.sampled.filter((j) => next.includes(j)));
      const fresh = Array.from({ length: layer.k }, (_, j) => j).filter((j) => !kept.has(j));
      layer.setSampled(next);
      resets.push({ variable: layer.v, axis: 1, indices: fresh });
      resets.push({ variable: layer.ut, axis: 0, indices: fresh });
    }
    return resets;
  }

  /** `grads` (by variable name) with each SST layer's unsampled vectors zeroed, and the tensors it made. */
  maskGradients(grads: tf.NamedTensorMap): { grads: tf.NamedTensorMap; created: tf.Tensor[] } {
    const out: tf.NamedTensorMap = { ...grads };
    const created: tf.Tensor[] = [];
    for (const layer of this.layers.values()) {
      for (const variable of [layer.v, layer.ut]) {
        const grad = grads[variable.name];
        if (!grad) continue;
        const masked = layer.maskGradient(variable, grad);
        if (masked !== grad) created.push(masked);
        out[variable.name] = masked;
      }
    }
    return { grads: out, created };
  }

  /** After each update: clamp σ, renormalise the sampled vectors. */
  normalize(): void {
    for (const layer of this.layers.values()) layer.normalize();
  }

  /**
   * After update step `step` (0-based, just applied): a re-SVD when a round ends, a resample when an
   * iteration ends. Returns the moments to zero.
   */
  async afterStep(step: number): Promise<MomentReset[]> {
    const { iterationInterval, numIterations } = this.options;
    const done = step + 1;
    const resets: MomentReset[] = [];
    if (done % (iterationInterval * numIterations) === 0) {
      for (const layer of this.layers.values()) {
        await layer.resvd();
        for (const variable of [layer.v, layer.ut])
          resets.push({
            variable,
            axis: variable === layer.v ? 1 : 0,
            indices: Array.from({ length: layer.k }, (_, j) => j),
          });
      }
    }
    if (done % iterationInterval === 0) resets.push(...(await this.resample()));
    return resets;
  }

  /** The sampling position and sets, for a checkpoint. */
  state(): SSTState {
    const sampled: Record<string, number[]> = {};
    for (const [name, layer] of this.layers) sampled[name] = [...layer.sampled];
    return { format: 'relora-sst', version: 1, draws: this.draws, sampled };
  }

  /** Restores {@link state}'s output; checks everything before changing anything. */
  restoreState(state: SSTState): void {
    if (state?.format !== 'relora-sst' || state.version !== 1)
      throw new Error('SST.restoreState: not a relora-sst version 1 state');
    if (!(Number.isSafeInteger(state.draws) && state.draws >= 0))
      throw new Error(`SST.restoreState: draws must be an integer >= 0, got ${state.draws}`);
    const names = Object.keys(state.sampled ?? {});
    if (names.length !== this.layers.size || names.some((n) => !this.layers.has(n)))
      throw new Error(
        `SST.restoreState: the state's layers (${names.length}) are not this model's (${this.layers.size})`,
      );
    for (const name of this.layers.keys()) {
      const set = state.sampled[name] as number[];
      if (set.length > 0 && set.length !== this.options.rank)
        throw new Error(
          `SST.restoreState: ${name} has ${set.length} sampled pairs, expected ${this.options.rank}`,
        );
    }
    for (const [name, layer] of this.layers) {
      const set = state.sampled[name] as number[];
      if (set.length > 0) layer.setSampled(set);
    }
    this.uniform = mulberry32(this.options.seed);
    for (let i = 0; i < state.draws; i++) this.uniform();
    this.draws = state.draws;
  }

  dispose(): void {
    for (const layer of this.layers.values()) layer.dispose();
  }
}

/**
 * Replaces `host`'s target linears (default every block projection) by {@link SSTLinear}s with SVD
 * init, std `std` (LLaMA's `initializerRange`), and returns the controller. The replaced dense layers
 * are disposed. Biases are refused (LLaMA has none).
 */
export function applySST(host: LinearHost, options: SSTOptions & { std?: number } = {}): SST {
  const o = resolveSSTOptions(options);
  const targets = options.targets ?? SST_TARGETS;
  const layers: Array<[string, SSTLinear]> = [];
  for (const [name, base] of host.namedLinears()) {
    if (!matches(name, targets)) continue;
    if (base.bias) throw new Error(`applySST: ${name} has a bias; SST layers have none`);
    const layer = new SSTLinear({
      inFeatures: base.inFeatures,
      outFeatures: base.outFeatures,
      std: options.std,
      seed: o.seed,
      name,
      enhancedGradient: o.enhancedGradient,
    });
    host.setLinear(name, layer);
    base.dispose();
    layers.push([name, layer]);
  }
  if (layers.length === 0) throw new Error('applySST: no linear matched the targets');
  return new SST(layers, o);
}
