// Cases for the replaced copy kernels (Slice, SplitV, Concat, Identity, Cast): shapes, axes and dtypes.
import * as tf from '@tensorflow/tfjs-core';
import { f, i, type OpCase } from './llama-ops.test-support';

/** Shapes, axes and dtypes that exercise the replaced copy kernels (Slice, SplitV, Concat, Identity, Cast). */
export const COPY_OP_CASES: OpCase[] = [
  { name: 'slice 1D', inputs: [f([10])], fn: (x) => tf.slice(x, [3], [5]) },
  {
    name: 'slice 3D middle box',
    inputs: [f([4, 5, 6])],
    fn: (x) => tf.slice(x, [1, 2, 1], [2, 3, 4]),
  },
  {
    name: 'slice 5D',
    inputs: [f([2, 3, 2, 4, 3])],
    fn: (x) => tf.slice(x, [1, 0, 1, 1, 0], [1, 3, 1, 2, 2]),
  },
  { name: 'slice contiguous rows', inputs: [f([6, 7])], fn: (x) => tf.slice(x, [2, 0], [3, 7]) },
  { name: 'slice empty', inputs: [f([4, 5])], fn: (x) => tf.slice(x, [1, 2], [0, 3]) },
  {
    name: 'stridedSlice',
    inputs: [f([5, 8])],
    grad: false,
    fn: (x) => tf.stridedSlice(x, [1, 1], [5, 7], [2, 3]),
  },
  {
    name: 'split 3 ways axis 1',
    inputs: [f([3, 9, 2])],
    fn: (x) => tf.concat(tf.split(x, [2, 3, 4], 1).reverse(), 1),
  },
  {
    name: 'concat axis 0, 3 inputs',
    inputs: [f([2, 3]), f([1, 3]), f([4, 3])],
    fn: (a, b, c) => tf.concat([a, b!, c!], 0),
  },
  {
    name: 'concat long rows',
    inputs: [f([3, 100]), f([3, 70])],
    fn: (a, b) => tf.concat([a, b!], 1),
  },
  {
    name: 'concat with empty',
    inputs: [f([2, 3]), f([2, 0])],
    fn: (a, b) => tf.concat([a, b!], 1),
  },
  {
    name: 'int32 slice/concat/split',
    inputs: [i([4, 6], 100)],
    grad: false,
    fn: (x) =>
      tf.cast(
        tf.concat([tf.slice(x, [1, 1], [2, 4]), ...tf.split(tf.slice(x, [0, 0], [2, 4]), 2, 1)], 1),
        'float32',
      ),
  },
  {
    name: 'bool concat/slice',
    inputs: [f([3, 4])],
    grad: false,
    fn: (x) =>
      tf.cast(tf.slice(tf.concat([tf.greater(x, 0), tf.less(x, 0)], 1), [1, 2], [2, 5]), 'float32'),
  },
  {
    name: 'clone/identity chain',
    inputs: [f([3, 4])],
    fn: (x) => tf.mul(tf.clone(x), tf.clone(tf.clone(x))),
  },
  {
    name: 'cast to the same dtype, then a real conversion',
    inputs: [f([3, 4])],
    fn: (x) =>
      tf.mul(tf.cast(x, 'float32'), tf.cast(tf.cast(tf.cast(x, 'int32'), 'int32'), 'float32')),
  },
];
