// The rotary kernel for webgpu: one WGSL pass instead of split, concat, two multiplies and an add.
import { ROTARY_KERNEL } from '@relora/core';
import * as tf from '@tensorflow/tfjs-core';
import type { KernelArgs } from '../../kernel-args';
import { checkRotaryArgs } from '../rotary-args';
import { elementProgram, runFused } from './wgsl-program';

// @relora/core's rotaryValues per element: x [batch, seq, heads, headDim] and tables
// [seq, 1, headDim] as flat arrays. The tables are bound as cosTable and sinTable because cos
// and sin name WGSL's built-in functions.
const ROTARY_WGSL = `
  fn element(i : i32) -> f32 {
    let headDim = uniforms.headDim;
    let half = headDim / 2;
    let row = i / headDim;
    let col = i - row * headDim;
    // rows run over (batch, seq, heads): the position is the row's seq index
    let t = (row / uniforms.heads) % uniforms.seq;
    let k = t * headDim + col;
    // the other half of the row; the sign of rotate-half is folded into sinTable
    let other = select(i - half, i + half, col < half);
    return x[i] * cosTable[k] + x[other] * sinTable[k];
  }
`;

/**
 * {@link ROTARY_KERNEL} on webgpu: a new [batch, seq, heads, headDim] tensor. The GPU's compiler
 * may fuse a product with the sum, so y can differ from the ops path's in the last bit.
 */
export const rotaryWebGpuConfig: tf.KernelConfig = {
  kernelName: ROTARY_KERNEL,
  backendName: 'webgpu',
  kernelFunc: ((args: KernelArgs) => {
    const { x, cos, sin, dims } = checkRotaryArgs(args.inputs, 'webgpu');
    const program = elementProgram(
      'rotary',
      { x, cosTable: cos, sinTable: sin },
      tf.util.sizeFromShape(x.shape),
      { seq: ['i32', dims.seq], heads: ['i32', dims.heads], headDim: ['i32', dims.headDim] },
      ROTARY_WGSL,
    );
    return runFused(args.backend, program, x.shape);
  }) as unknown as tf.KernelFunc,
};
