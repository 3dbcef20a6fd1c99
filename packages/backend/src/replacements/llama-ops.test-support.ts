// The ops a LLaMA training step uses, as small cases with fixed random inputs (for parity tests and benchmarks).
import * as tf from '@tensorflow/tfjs-core';

/** One input: a shape and dtype; int32 inputs are drawn from [0, maxInt). */
export interface OpInput {
  shape: number[];
  dtype?: 'float32' | 'int32';
  maxInt?: number;
}

/** A case: `fn` maps the inputs to one tensor; gradients are taken for the float inputs. */
export interface OpCase {
  name: string;
  inputs: OpInput[];
  fn: (...xs: tf.Tensor[]) => tf.Tensor;
  /** false for ops with no gradient worth checking (comparisons, integer outputs). */
  grad?: boolean;
}

const rmsNorm = (x: tf.Tensor, w: tf.Tensor) =>
  tf.mul(tf.mul(x, tf.rsqrt(tf.add(tf.mean(tf.square(x), -1, true), 1e-6))), w);

// Rotary embedding as HF LLaMA writes it: x * cos + rotate_half(x) * sin.
const rotary = (x: tf.Tensor, cos: tf.Tensor, sin: tf.Tensor) => {
  const half = x.shape[x.rank - 1]! / 2;
  const [x1, x2] = tf.split(x, [half, half], -1) as [tf.Tensor, tf.Tensor];
  return tf.add(tf.mul(x, cos), tf.mul(tf.concat([tf.neg(x2), x1], -1), sin));
};

// Cross-entropy via oneHot, and via a flat gather of log-probabilities: both are used in practice.
const crossEntropyOneHot = (logits: tf.Tensor, targets: tf.Tensor) =>
  tf.neg(
    tf.mean(
      tf.sum(
        tf.mul(tf.oneHot(targets as tf.Tensor1D, logits.shape[1]!), tf.logSoftmax(logits)),
        -1,
      ),
    ),
  );
const crossEntropyGather = (logits: tf.Tensor, targets: tf.Tensor) => {
  const [n, v] = logits.shape as [number, number];
  const flatIdx = tf.add(tf.mul(tf.range(0, n, 1, 'int32'), tf.scalar(v, 'int32')), targets);
  return tf.neg(tf.mean(tf.gather(tf.reshape(tf.logSoftmax(logits), [-1]), flatIdx)));
};

const causalMask = (scores: tf.Tensor) => {
  const t = scores.shape[scores.rank - 1]!;
  const row = tf.reshape(tf.range(0, t, 1, 'int32'), [t, 1]);
  const col = tf.reshape(tf.range(0, t, 1, 'int32'), [1, t]);
  return tf.where(tf.greater(col, row), tf.fill(scores.shape, -1e9), scores);
};

/** A float32 input of this shape. */
export const f = (shape: number[]): OpInput => ({ shape });
/** An int32 input of this shape, values in [0, maxInt). */
export const i = (shape: number[], maxInt: number): OpInput => ({ shape, dtype: 'int32', maxInt });

/** Every op pattern of a LLaMA forward and backward pass, at toy sizes. */
export const LLAMA_OP_CASES: OpCase[] = [
  {
    name: 'gather (embedding)',
    inputs: [f([50, 16]), i([3, 7], 50)],
    fn: (w, ids) => tf.gather(w, ids!),
  },
  {
    name: 'gather axis 1',
    inputs: [f([4, 9, 3]), i([5], 9)],
    fn: (x, ids) => tf.gather(x, ids!, 1),
  },
  {
    // 20-float rows (subarray copies) and 2D indices on the last axis (element loop).
    name: 'gather rows of 20, and the last axis',
    inputs: [f([6, 20]), i([2, 3], 6)],
    fn: (x, ids) => tf.gather(tf.gather(x, ids!), tf.tensor1d([19, 0, 7], 'int32'), -1),
  },
  {
    name: 'unsortedSegmentSum',
    inputs: [f([12, 5]), i([12], 6)],
    fn: (x, ids) => tf.unsortedSegmentSum(x, ids as tf.Tensor1D, 6),
  },
  { name: 'matMul', inputs: [f([7, 5]), f([5, 6])], fn: (a, b) => tf.matMul(a, b!) },
  {
    name: 'matMul transposeA',
    inputs: [f([5, 7]), f([5, 6])],
    fn: (a, b) => tf.matMul(a, b!, true, false),
  },
  {
    name: 'matMul transposeB',
    inputs: [f([7, 5]), f([6, 5])],
    fn: (a, b) => tf.matMul(a, b!, false, true),
  },
  {
    // Over one 64-row tile, with rows left after the blocks of 8 (the transpose's edge cases).
    name: 'matMul transposeA, 75 rows',
    inputs: [f([75, 70]), f([75, 3])],
    fn: (a, b) => tf.matMul(a, b!, true, false),
  },
  {
    name: 'batched matMul transposeB, 19 rows',
    inputs: [f([2, 4, 9]), f([2, 19, 9])],
    fn: (a, b) => tf.matMul(a, b!, false, true),
  },
  {
    name: 'matMul both transposed',
    inputs: [f([5, 7]), f([6, 5])],
    fn: (a, b) => tf.matMul(a, b!, true, true),
  },
  {
    name: 'batched matMul 4D',
    inputs: [f([2, 3, 5, 4]), f([2, 3, 4, 6])],
    fn: (a, b) => tf.matMul(a, b!),
  },
  {
    name: 'batched matMul q·kᵀ',
    inputs: [f([2, 3, 5, 4]), f([2, 3, 5, 4])],
    fn: (a, b) => tf.matMul(a, b!, false, true),
  },
  {
    name: 'batched matMul transposeA',
    inputs: [f([6, 4, 5]), f([6, 4, 3])],
    fn: (a, b) => tf.matMul(a, b!, true, false),
  },
  {
    name: 'batched × 2D (broadcast)',
    inputs: [f([2, 5, 8]), f([8, 6])],
    fn: (a, b) => tf.matMul(a, b!),
  },
  {
    name: 'batched × 2D transposeB',
    inputs: [f([2, 5, 8]), f([6, 8])],
    fn: (a, b) => tf.matMul(a, b!, false, true),
  },
  {
    name: 'batched transposeA × 2D',
    inputs: [f([2, 8, 5]), f([8, 6])],
    fn: (a, b) => tf.matMul(a, b!, true, false),
  },
  {
    name: 'batched × broadcast batch',
    inputs: [f([2, 3, 5, 4]), f([1, 3, 4, 6])],
    fn: (a, b) => tf.matMul(a, b!),
  },
  {
    // 2D products with n a multiple of 8 run the SIMD loop on one thread (XNNPACK on two).
    name: 'matMul, SIMD (13 rows, n 16)',
    inputs: [f([13, 5]), f([5, 16])],
    fn: (a, b) => tf.matMul(a, b!),
  },
  {
    name: 'matMul transposeA, SIMD (75 rows, n 8)',
    inputs: [f([75, 70]), f([75, 8])],
    fn: (a, b) => tf.matMul(a, b!, true, false),
  },
  {
    // 64 columns as SIMD blocks of 8, then the 4 ending at 67 again (the LM head's vocabulary 259 is so).
    name: 'matMul, SIMD with a tail of 3 columns (n 67)',
    inputs: [f([9, 6]), f([6, 67])],
    fn: (a, b) => tf.matMul(a, b!),
  },
  {
    name: 'batched × 2D transposeB, SIMD (n 24)',
    inputs: [f([2, 5, 8]), f([24, 8])],
    fn: (a, b) => tf.matMul(a, b!, false, true),
  },
  {
    // Slices with n a multiple of 8 run the SIMD loop: 7 rows are one block of 4 and 3 single rows.
    name: 'batched matMul, SIMD slices (7 rows, n 8)',
    inputs: [f([2, 3, 7, 5]), f([2, 3, 5, 8])],
    fn: (a, b) => tf.matMul(a, b!),
  },
  {
    name: 'batched q·kᵀ, SIMD slices (n 16)',
    inputs: [f([2, 2, 6, 4]), f([2, 2, 16, 4])],
    fn: (a, b) => tf.matMul(a, b!, false, true),
  },
  {
    name: 'batched × broadcast batch, SIMD slices (k 1)',
    inputs: [f([2, 3, 9, 1]), f([1, 3, 1, 24])],
    fn: (a, b) => tf.matMul(a, b!),
  },
  { name: 'softmax', inputs: [f([2, 3, 5, 5])], fn: (x) => tf.softmax(x) },
  { name: 'logSoftmax', inputs: [f([6, 11])], fn: (x) => tf.logSoftmax(x) },
  { name: 'RMSNorm', inputs: [f([2, 5, 8]), f([8])], fn: (x, w) => rmsNorm(x, w!) },
  {
    name: 'rotary',
    inputs: [f([2, 3, 5, 8]), f([5, 8]), f([5, 8])],
    fn: (x, c, s) => rotary(x, c!, s!),
  },
  {
    name: 'slice/concat',
    inputs: [f([3, 6])],
    fn: (x) => tf.concat([tf.slice(x, [0, 3], [3, 3]), tf.neg(tf.slice(x, [0, 0], [3, 3]))], 1),
  },
  {
    name: 'SwiGLU (sigmoid)',
    inputs: [f([4, 8]), f([4, 8])],
    fn: (g, u) => tf.mul(tf.mul(g, tf.sigmoid(g)), u!),
  },
  {
    name: 'sum/mean over axes',
    inputs: [f([3, 4, 5])],
    fn: (x) => tf.add(tf.sum(x, [0, 2]), tf.mean(tf.mean(x, 0), 1)),
  },
  {
    name: 'cross-entropy (oneHot)',
    inputs: [f([6, 11]), i([6], 11)],
    fn: (l, t) => crossEntropyOneHot(l, t!),
  },
  {
    name: 'cross-entropy (gather)',
    inputs: [f([6, 11]), i([6], 11)],
    fn: (l, t) => crossEntropyGather(l, t!),
  },
  {
    name: 'causal mask (where/greater)',
    inputs: [f([2, 5, 5])],
    fn: (s) => tf.softmax(causalMask(s)),
  },
  {
    name: 'tile/broadcastTo',
    inputs: [f([1, 5, 1]), f([5, 1])],
    fn: (a, b) => tf.mul(tf.tile(a, [2, 1, 3]), tf.broadcastTo(b!, [2, 5, 3])),
  },
  {
    name: 'transpose (heads)',
    inputs: [f([2, 5, 3, 4])],
    fn: (x) => tf.transpose(x, [0, 2, 1, 3]),
  },
  {
    name: 'sqrt/div/exp/tanh',
    inputs: [f([4, 5]), f([4, 5])],
    fn: (a, b) =>
      tf.add(tf.div(a, tf.sqrt(tf.add(tf.square(b!), 1))), tf.mul(tf.exp(b!), tf.tanh(a))),
  },
];
