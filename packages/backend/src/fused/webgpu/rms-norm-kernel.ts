// The RMSNorm kernels for webgpu: WGSL passes instead of ~6 kernels forward and ~20 backward.
//
// A pass writes one buffer and a row sum needs the whole row, so each kernel is a row sum (a
// workgroup per row) followed by a pass per element that reads it: forward, invRms then y;
// backward, the per-row factor of dx then dx, and dWeight as a column sum over the rows.
import { RMS_NORM_GRAD_KERNEL, RMS_NORM_KERNEL } from '@relora/core';
import type * as tf from '@tensorflow/tfjs-core';
import type { KernelArgs } from '../../kernel-args';
import { checkRmsNormArgs, checkRmsNormGradArgs } from '../rms-norm-args';
import { disposeIntermediate, elementProgram, runFused, sumProgram } from './wgsl-program';

// r = 1 / sqrt(mean(x²) + epsilon) for row o; `term` is one square of the row.
const INV_RMS_WGSL = `
  fn term(o : i32, k : i32) -> f32 {
    let value = x[o * uniforms.d + k];
    return value * value;
  }

  fn finish(o : i32, sum : f32) -> f32 {
    return 1.0 / sqrt(sum / f32(uniforms.d) + uniforms.epsilon);
  }
`;

// y = (x·r)·weight, in @relora/core's rmsNormValues order.
const Y_WGSL = `
  fn element(i : i32) -> f32 {
    let row = i / uniforms.d;
    return (x[i] * invRms[row]) * weight[i - row * uniforms.d];
  }
`;

// c = r³·mean(g·x) for row o, with g = dy·weight: the factor of x in dx.
const DX_FACTOR_WGSL = `
  fn term(o : i32, k : i32) -> f32 {
    let i = o * uniforms.d + k;
    return dy[i] * weight[k] * x[i];
  }

  fn finish(o : i32, sum : f32) -> f32 {
    let r = invRms[o];
    return r * r * r * (sum / f32(uniforms.d));
  }
`;

// dx = r·g − x·c per element, c from the pass above.
const DX_WGSL = `
  fn element(i : i32) -> f32 {
    let row = i / uniforms.d;
    return dy[i] * weight[i - row * uniforms.d] * invRms[row] - x[i] * dxFactor[row];
  }
`;

// dWeight[o] = Σ rows dy·(x·r) for column o: k runs over the rows.
const D_WEIGHT_WGSL = `
  fn term(o : i32, k : i32) -> f32 {
    let i = k * uniforms.d + o;
    return dy[i] * (x[i] * invRms[k]);
  }

  fn finish(o : i32, sum : f32) -> f32 {
    return sum;
  }
`;

/**
 * {@link RMS_NORM_KERNEL} on webgpu: `[y, invRms]`, new tensors. Row sums add 64 float32 partial
 * sums pairwise where the JS loop sums in float64, so the last bits differ from cpu's.
 */
export const rmsNormWebGpuConfig: tf.KernelConfig = {
  kernelName: RMS_NORM_KERNEL,
  backendName: 'webgpu',
  kernelFunc: ((args: KernelArgs) => {
    const { x, weight, epsilon, dims } = checkRmsNormArgs(args.inputs, args.attrs, 'webgpu');
    const { rows, d } = dims;
    const uniforms = { d: ['i32', d] } as const;
    const inv = sumProgram(
      'rms_norm_inv',
      { x },
      rows,
      d,
      { ...uniforms, epsilon: ['f32', epsilon] },
      INV_RMS_WGSL,
    );
    const invRms = runFused(args.backend, inv, [rows]);
    const y = runFused(
      args.backend,
      elementProgram('rms_norm_y', { x, weight, invRms }, rows * d, uniforms, Y_WGSL),
      x.shape,
    );
    return [y, invRms];
  }) as unknown as tf.KernelFunc,
};

/** {@link RMS_NORM_GRAD_KERNEL} on webgpu: `[dx, dWeight]`, new tensors (sums as the forward's). */
export const rmsNormGradWebGpuConfig: tf.KernelConfig = {
  kernelName: RMS_NORM_GRAD_KERNEL,
  backendName: 'webgpu',
  kernelFunc: ((args: KernelArgs) => {
    const { dy, x, weight, invRms, dims } = checkRmsNormGradArgs(args.inputs, 'webgpu');
    const { rows, d } = dims;
    const uniforms = { d: ['i32', d] } as const;
    const factor = sumProgram(
      'rms_norm_dx_factor',
      { dy, x, weight, invRms },
      rows,
      d,
      uniforms,
      DX_FACTOR_WGSL,
    );
    const dxFactor = runFused(args.backend, factor, [rows]);
    const dxInputs = { dy, x, weight, invRms, dxFactor };
    const dx = runFused(
      args.backend,
      elementProgram('rms_norm_dx', dxInputs, rows * d, uniforms, DX_WGSL),
      x.shape,
    );
    disposeIntermediate(args.backend, dxFactor);
    const dWeightSums = sumProgram(
      'rms_norm_d_weight',
      { dy, x, invRms },
      d,
      rows,
      uniforms,
      D_WEIGHT_WGSL,
    );
    const dWeight = runFused(args.backend, dWeightSums, [d]);
    return [dx, dWeight];
  }) as unknown as tf.KernelFunc,
};
