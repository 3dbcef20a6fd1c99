// A small LLaMA-style training step (forward, loss, gradients) to measure backends with; not the real model.
import * as tf from '@tensorflow/tfjs-core';
import { rmsNormFused, swiGluFused } from './fused-ops';

export interface StepShape {
  batch: number;
  seq: number;
  hidden: number;
  intermediate: number;
  heads: number;
  layers: number;
  vocab: number;
}

/** The `demo` preset of @relora/llama (hidden 128, 4 layers) at batch 8, seq 128, byte-level vocab. */
export const DEMO_SHAPE: StepShape = {
  batch: 8,
  seq: 128,
  hidden: 128,
  intermediate: 352,
  heads: 4,
  layers: 4,
  vocab: 259,
};

const rmsNorm = (x: tf.Tensor, w: tf.Tensor) =>
  tf.mul(tf.mul(x, tf.rsqrt(tf.add(tf.mean(tf.square(x), -1, true), 1e-6))), w);

/** FLOPs of the step's matmuls, forward and backward (3x forward). */
export function stepFlops(s: StepShape): number {
  const rows = s.batch * s.seq;
  const perLayer =
    2 * rows * s.hidden * (4 * s.hidden + 3 * s.intermediate) +
    2 * 2 * s.batch * s.seq * s.seq * s.hidden;
  return 3 * (s.layers * perLayer + 2 * rows * s.hidden * s.vocab);
}

/** Builds the variables and returns a function running one step (returns the loss value). */
/** `fused`: RMSNorm and SwiGLU with hand-written gradients (scripts/fused-ops.ts) instead of autodiff's. */
export function makeStep(s: StepShape, fused = false): { step: () => number; dispose: () => void } {
  const norm = fused ? rmsNormFused : rmsNorm;
  const swiGlu = fused
    ? swiGluFused
    : (g: tf.Tensor, u: tf.Tensor) => tf.mul(tf.mul(g, tf.sigmoid(g)), u);
  const v = (shape: number[], std: number) =>
    tf.variable(tf.mul(tf.randomNormal(shape, 0, 1, 'float32', 7), std));
  const d = s.hidden;
  const hd = d / s.heads;
  const embed = v([s.vocab, d], 0.02);
  const head = v([d, s.vocab], 0.02);
  const finalNorm = tf.variable(tf.ones([d]));
  const layers = Array.from({ length: s.layers }, () => ({
    n1: tf.variable(tf.ones([d])),
    n2: tf.variable(tf.ones([d])),
    wq: v([d, d], 0.02),
    wk: v([d, d], 0.02),
    wv: v([d, d], 0.02),
    wo: v([d, d], 0.02),
    wg: v([d, s.intermediate], 0.02),
    wu: v([d, s.intermediate], 0.02),
    wd: v([s.intermediate, d], 0.02),
  }));
  const ids = tf.randomUniform([s.batch, s.seq], 0, s.vocab, 'int32', 3);
  const targets = tf.randomUniform([s.batch * s.seq], 0, s.vocab, 'int32', 4);
  const pos = tf.range(0, s.seq);
  const inv = tf.pow(10000, tf.div(tf.range(0, hd / 2), -hd / 2));
  const ang = tf.mul(tf.reshape(pos, [s.seq, 1]), tf.reshape(inv, [1, hd / 2]));
  const cos = tf.reshape(tf.concat([tf.cos(ang), tf.cos(ang)], 1), [1, 1, s.seq, hd]);
  const sin = tf.reshape(tf.concat([tf.neg(tf.sin(ang)), tf.sin(ang)], 1), [1, 1, s.seq, hd]);
  const row = tf.reshape(tf.range(0, s.seq, 1, 'int32'), [s.seq, 1]);
  const col = tf.reshape(tf.range(0, s.seq, 1, 'int32'), [1, s.seq]);
  const mask = tf.mul(tf.cast(tf.greater(col, row), 'float32'), -1e9);
  const rows = s.batch * s.seq;
  const heads = (x: tf.Tensor) =>
    tf.transpose(tf.reshape(x, [s.batch, s.seq, s.heads, hd]), [0, 2, 1, 3]);
  const rotary = (x: tf.Tensor) => {
    const [x1, x2] = tf.split(x, 2, 3) as [tf.Tensor, tf.Tensor];
    return tf.add(tf.mul(x, cos), tf.mul(tf.concat([x2, x1], 3), sin));
  };
  const loss = () => {
    let x: tf.Tensor = tf.reshape(tf.gather(embed, tf.reshape(ids, [-1])), [rows, d]);
    for (const l of layers) {
      const h = norm(x, l.n1);
      const q = rotary(heads(tf.matMul(h, l.wq)));
      const k = rotary(heads(tf.matMul(h, l.wk)));
      const val = heads(tf.matMul(h, l.wv));
      const scores = tf.add(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(hd)), mask);
      const att = tf.matMul(tf.softmax(scores), val);
      const merged = tf.reshape(tf.transpose(att, [0, 2, 1, 3]), [rows, d]);
      x = tf.add(x, tf.matMul(merged, l.wo));
      const h2 = norm(x, l.n2);
      x = tf.add(x, tf.matMul(swiGlu(tf.matMul(h2, l.wg), tf.matMul(h2, l.wu)), l.wd));
    }
    const logits = tf.matMul(norm(x, finalNorm), head);
    const logp = tf.logSoftmax(logits);
    return tf.neg(
      tf.mean(tf.sum(tf.mul(tf.oneHot(targets as tf.Tensor1D, s.vocab), logp), -1)),
    ) as tf.Scalar;
  };
  const step = () =>
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(loss);
      // Touch every gradient so lazy backends finish; an optimizer would read them all too.
      for (const g of Object.values(grads)) g.dataSync();
      return value.dataSync()[0]!;
    });
  const dispose = () =>
    tf.dispose([
      embed,
      head,
      finalNorm,
      ids,
      targets,
      pos,
      inv,
      ang,
      cos,
      sin,
      row,
      col,
      mask,
      ...layers.flatMap((l) => Object.values(l)),
    ]);
  return { step, dispose };
}
