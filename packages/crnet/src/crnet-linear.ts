// CR-Net's two projection layers on the @relora/core seam: block 1's dense one and the chained low-rank one.

import { colaInitStd } from '@relora/cola';
import type { Linear } from '@relora/core';
import { normalInit } from '@relora/llama';
import * as tf from '@tensorflow/tfjs-core';
import type { CrNetChain } from './crnet-chain';
import type { CrNetFactorInit } from './crnet-options';
import { crnetProjection, crnetProjectionRecomputed, crnetScale } from './crnet-projection';

/** Where a layer sits: its chain, projection type and 0-based block. */
export interface CrNetSlot {
  chain: CrNetChain;
  /** The projection type, e.g. `self_attn.q_proj`. */
  kind: string;
  block: number;
  inFeatures: number;
  outFeatures: number;
  /** Names the init streams (`${name}.weight`, ...), the HF module name. */
  name: string;
  /** Seed of the init; undefined draws from Math.random. */
  seed?: number;
  /** false leaves the weights 0 and β at `betaInit` (a checkpoint overwrites them). Default true. */
  initialize?: boolean;
}

function checkInput(x: tf.Tensor, inFeatures: number): void {
  if (x.rank !== 2 || x.shape[1] !== inFeatures) {
    throw new Error(
      `crnetLinear: expected input [rows, ${inFeatures}] (the LLaMA blocks pass rows), got [${x.shape.join(', ')}]`,
    );
  }
}

/**
 * Block 1's projection, full-rank as in LLaMA (Y_1 = X W, W [in, out], init N(0, std)), which also
 * hands Y_1 to block 2 through the chain.
 */
export class CrNetDenseLinear implements Linear {
  readonly inFeatures: number;
  readonly outFeatures: number;
  /** W [in, out], torch's `weight` transposed (an `nn.Linear`). */
  readonly kernel: tf.Variable;

  constructor(
    private readonly slot: CrNetSlot,
    std: number,
  ) {
    this.inFeatures = slot.inFeatures;
    this.outFeatures = slot.outFeatures;
    const shape = [slot.inFeatures, slot.outFeatures];
    this.kernel = tf.tidy(() =>
      tf.variable(
        (slot.initialize ?? true)
          ? normalInit(shape, std, slot.seed, `${slot.name}.weight`)
          : tf.zeros(shape),
      ),
    );
  }

  /** x [N, in] -> [N, out]. */
  apply(x: tf.Tensor): tf.Tensor {
    checkInput(x, this.inFeatures);
    const y = tf.matMul(x as tf.Tensor2D, this.kernel as tf.Tensor2D);
    const { chain, kind, block } = this.slot;
    if (chain.numLayers > block + 1)
      chain.putForward(kind, block, tf.keep(tf.clone(y) as tf.Tensor2D));
    return y;
  }

  namedVariables(): Array<[string, tf.Variable]> {
    return [['weight', this.kernel]];
  }

  dispose(): void {
    this.kernel.dispose();
  }
}

/** Options of a {@link CrNetLowRankLinear} beyond its slot. */
export interface CrNetLowRankOptions {
  rank: number;
  recompute: boolean;
  betaInit: number;
  factorInit: CrNetFactorInit;
}

/**
 * A projection of blocks 2..L: Y_l = c·Y_{l-1} + X A B, c = sign(β)(|β| + 1e-6) (CR-Net, Kong et
 * al., arXiv 2509.18993), Y_{l-1} the same projection's output in the block below, from the chain.
 */
export class CrNetLowRankLinear implements Linear {
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly rank: number;
  readonly recompute: boolean;
  /** A [in, r], stored as held (`crnet_a`, used as x @ A). */
  readonly crnetA: tf.Variable;
  /** B [r, out] (`crnet_b`). */
  readonly crnetB: tf.Variable;
  /** β [] (`crnet_beta`). */
  readonly beta: tf.Variable;

  constructor(
    private readonly slot: CrNetSlot,
    options: CrNetLowRankOptions,
  ) {
    const { inFeatures, outFeatures, seed, name, initialize = true } = slot;
    const { rank, factorInit, betaInit } = options;
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    this.rank = rank;
    this.recompute = options.recompute;
    const std = colaInitStd(inFeatures, outFeatures, rank);
    const factor = (shape: [number, number], suffix: string, zero: boolean) =>
      tf.tidy(() =>
        tf.variable(
          initialize && !zero ? normalInit(shape, std, seed, `${name}.${suffix}`) : tf.zeros(shape),
        ),
      );
    this.crnetA = factor([inFeatures, rank], 'crnet_a', false);
    this.crnetB = factor([rank, outFeatures], 'crnet_b', factorInit === 'zero-b');
    this.beta = tf.tidy(() => tf.variable(tf.scalar(betaInit)));
  }

  /** x [N, in] -> [N, out]; takes Y_{l-1} from the chain and hands Y_l on (unless last). */
  apply(x: tf.Tensor): tf.Tensor {
    checkInput(x, this.inFeatures);
    const { chain, kind, block } = this.slot;
    const previous = chain.takeForward(kind, block);
    try {
      const y = tf.tidy(() => {
        const c = crnetScale(this.beta);
        const a = this.crnetA as tf.Tensor2D;
        const b = this.crnetB as tf.Tensor2D;
        const rows = x as tf.Tensor2D;
        return this.recompute
          ? crnetProjectionRecomputed(rows, a, b, c, previous, { chain, kind, block })
          : crnetProjection(rows, a, b, c, previous);
      });
      if (chain.numLayers > block + 1) {
        chain.putForward(kind, block, tf.keep(tf.clone(y) as tf.Tensor2D));
      }
      return y;
    } finally {
      previous.dispose();
    }
  }

  /** `crnet_a` [in, r], `crnet_b` [r, out], `crnet_beta` []. */
  namedVariables(): Array<[string, tf.Variable]> {
    return [
      ['crnet_a', this.crnetA],
      ['crnet_b', this.crnetB],
      ['crnet_beta', this.beta],
    ];
  }

  dispose(): void {
    this.crnetA.dispose();
    this.crnetB.dispose();
    this.beta.dispose();
  }
}
