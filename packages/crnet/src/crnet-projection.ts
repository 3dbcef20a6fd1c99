// CR-Net's projection in blocks 2..L, Y_l = c·Y_{l-1} + X A B, and its recomputing variant.
import * as tf from '@tensorflow/tfjs-core';
import type { CrNetChain } from './crnet-chain';

/** The floor that keeps |c| away from 0, so the recurrence can be inverted (methods.md 5.1-5.2). */
export const CRNET_BETA_FLOOR = 1e-6;

/** c = sign(β)(|β| + 1e-6) from the learnable scalar β [] (0 when β is exactly 0). */
export function crnetScale(beta: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.mul(tf.sign(beta), tf.add(tf.abs(beta), CRNET_BETA_FLOOR))) as tf.Scalar;
}

/**
 * x [N, in], A [in, r], B [r, out], c [], yPrev [N, out] -> c·yPrev + (x A) B [N, out].
 * Differentiated by autodiff, which keeps x, x A, yPrev and both addends (tfjs' Add keeps its
 * inputs) for the backward.
 */
export function crnetProjection(
  x: tf.Tensor2D,
  a: tf.Tensor2D,
  b: tf.Tensor2D,
  c: tf.Scalar,
  yPrev: tf.Tensor2D,
): tf.Tensor2D {
  return tf.tidy(() => tf.add(tf.mul(c, yPrev), tf.matMul(tf.matMul(x, a), b)));
}

/** Where a recomputed projection sits in its chain. */
export interface CrNetChainPosition {
  chain: CrNetChain;
  /** The projection type, e.g. `self_attn.q_proj`. */
  kind: string;
  /** 0-based block, at least 1 (block 0 is full-rank). */
  block: number;
}

/**
 * The same values as {@link crnetProjection}; the backward keeps x, x A, the factors and c but
 * yPrev only when block − 1 is a checkpoint ({@link CrNetChain.isCheckpoint}). Elsewhere it
 * rebuilds yPrev = (Y − (x A) B) / c from this block's output Y, which the next block's backward
 * rebuilt (or, in the last block, which it kept), and hands yPrev down the chain (CR-Net's
 * recomputation, methods.md 5.2). The gradient runs the ops autodiff runs for
 * {@link crnetProjection}, in its order, so where yPrev is kept both give the same floats; where
 * it is rebuilt, dc differs by the round-off of the rebuild.
 */
export function crnetProjectionRecomputed(
  x: tf.Tensor2D,
  a: tf.Tensor2D,
  b: tf.Tensor2D,
  c: tf.Scalar,
  yPrev: tf.Tensor2D,
  { chain, kind, block }: CrNetChainPosition,
): tf.Tensor2D {
  const last = block === chain.numLayers - 1;
  const keepPrev = chain.isCheckpoint(block - 1);
  const keepOwn = last && !keepPrev;
  // The block below needs this block's yPrev to rebuild its own, unless it keeps it.
  const handDown = block - 1 >= 1 && !chain.isCheckpoint(block - 2);
  const projection = tf.customGrad((...args) => {
    const [xs, as, bs, cs, prev, save] = args as [
      tf.Tensor2D,
      tf.Tensor2D,
      tf.Tensor2D,
      tf.Scalar,
      tf.Tensor2D,
      tf.GradSaveFunc,
    ];
    // An inner tidy: the addends are freed here, not at the end of the caller's forward.
    const [xa, y] = tf.tidy(() => {
      const low = tf.matMul(xs, as);
      return [low, tf.add(tf.mul(cs, prev), tf.matMul(low, bs))] as const;
    });
    save([xs, as, bs, cs, xa, ...(keepPrev ? [prev] : keepOwn ? [y] : [])]);
    xa.dispose();
    return {
      value: y,
      gradFunc: (dy, saved) =>
        tf.tidy(() => {
          const [sx, sa, sb, sc, sxa, kept] = saved as [
            tf.Tensor2D,
            tf.Tensor2D,
            tf.Tensor2D,
            tf.Scalar,
            tf.Tensor2D,
            tf.Tensor2D | undefined,
          ];
          const dyF = dy as tf.Tensor2D;
          const previous = keepPrev
            ? (kept as tf.Tensor2D)
            : rebuildPrevious(keepOwn ? (kept as tf.Tensor2D) : chain.takeBackward(kind, block));
          if (handDown) chain.putBackward(kind, block - 1, tf.keep(tf.clone(previous)));
          // Add's gradient (dy to both addends), Mul's (c·yPrev), then the two BatchMatMuls'.
          const dc = tf.reshape(tf.sum(tf.mul(dyF, previous), [0, 1]), sc.shape);
          const dPrev = tf.mul(dyF, sc);
          const dxa = tf.matMul(dyF, sb, false, true);
          const dB = tf.matMul(sxa, dyF, true, false);
          const dx = tf.matMul(dxa, sa, false, true);
          const dA = tf.matMul(sx, dxa, true, false);
          return [dx, dA, dB, dc, dPrev];

          function rebuildPrevious(own: tf.Tensor2D): tf.Tensor2D {
            const rebuilt = tf.div(tf.sub(own, tf.matMul(sxa, sb)), sc) as tf.Tensor2D;
            if (!keepOwn) own.dispose();
            return rebuilt;
          }
        }),
    };
  });
  return projection(x, a, b, c, yPrev) as tf.Tensor2D;
}
