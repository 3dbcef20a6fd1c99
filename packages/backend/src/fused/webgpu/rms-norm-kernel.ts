// The RMSNorm kernels for webgpu: WGSL passes instead of ~6 kernels forward and ~20 backward.
//
// A row sum needs the whole row, so each row is one workgroup that sums it and then writes the
// row's elements (rowProgram): forward, y with invRms written beside it (one dispatch; it was a
// row-sum pass and an element pass, PERF-LOG.md, WebGPU 3); backward, dx from the row's sum of
// g·x (one dispatch, was two), and dWeight as a column sum over the rows.
import { RMS_NORM_GRAD_KERNEL, RMS_NORM_KERNEL } from '@relora/core';
import type * as tf from '@tensorflow/tfjs-core';
import type { KernelArgs } from '../../kernel-args';
import { checkRmsNormArgs, checkRmsNormGradArgs } from '../rms-norm-args';
import { rowProgram, runFused, runFusedWriting, sumProgram } from './wgsl-program';

// r = 1 / sqrt(mean(x²) + epsilon) for row o, written to invRms; y = (x·r)·weight, in
// @relora/core's rmsNormValues order.
const FORWARD_WGSL = `
  fn term(o : i32, k : i32) -> f32 {
    let value = x[o * uniforms.d + k];
    return value * value;
  }

  fn invRmsOf(sum : f32) -> f32 {
    return 1.0 / sqrt(sum / f32(uniforms.d) + uniforms.epsilon);
  }

  fn rowDone(o : i32, sum : f32) {
    invRms[o] = invRmsOf(sum);
  }

  fn element(o : i32, k : i32, sum : f32) -> f32 {
    return (x[o * uniforms.d + k] * invRmsOf(sum)) * weight[k];
  }
`;

// dx = r·g − x·c per element, with g = dy·weight and c = r³·mean(g·x) for the row.
const DX_WGSL = `
  fn term(o : i32, k : i32) -> f32 {
    let i = o * uniforms.d + k;
    return dy[i] * weight[k] * x[i];
  }

  fn rowDone(o : i32, sum : f32) {}

  fn element(o : i32, k : i32, sum : f32) -> f32 {
    let i = o * uniforms.d + k;
    let r = invRms[o];
    let c = r * r * r * (sum / f32(uniforms.d));
    return dy[i] * weight[k] * r - x[i] * c;
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
 * {@link RMS_NORM_KERNEL} on webgpu: `[y, invRms]`, new tensors, from one dispatch. Row sums add
 * 64 float32 partial sums pairwise where the JS loop sums in float64, so the last bits differ
 * from cpu's.
 */
export const rmsNormWebGpuConfig: tf.KernelConfig = {
  kernelName: RMS_NORM_KERNEL,
  backendName: 'webgpu',
  kernelFunc: ((args: KernelArgs) => {
    const { x, weight, epsilon, dims } = checkRmsNormArgs(args.inputs, args.attrs, 'webgpu');
    const { rows, d } = dims;
    const backend = args.backend as unknown as {
      makeTensorInfo(shape: number[], dtype: 'float32', values?: Float32Array): tf.TensorInfo;
    };
    // no rows: nothing to run (the backend skips an empty output), both outputs empty
    if (rows === 0) {
      return [x.shape, [0]].map((shape) =>
        backend.makeTensorInfo(shape, 'float32', new Float32Array(0)),
      );
    }
    const invRms = backend.makeTensorInfo([rows], 'float32');
    const program = rowProgram(
      'rms_norm_forward',
      { x, weight, invRms },
      rows,
      d,
      { epsilon: ['f32', epsilon] },
      FORWARD_WGSL,
    );
    const y = runFusedWriting(args.backend, program, x.shape, ['invRms']);
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
    // no rows: dx is empty and dWeight zeros, with no program (one binding an empty buffer is
    // invalid in WebGPU: the device reports an error and computes nothing)
    if (rows === 0) {
      const backend = args.backend as unknown as {
        makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): tf.TensorInfo;
      };
      return [
        backend.makeTensorInfo(x.shape, 'float32', new Float32Array(0)),
        backend.makeTensorInfo([d], 'float32', new Float32Array(d)),
      ];
    }
    const dx = runFused(
      args.backend,
      rowProgram('rms_norm_dx', { dy, x, weight, invRms }, rows, d, {}, DX_WGSL),
      x.shape,
    );
    const dWeightSums = sumProgram(
      'rms_norm_d_weight',
      { dy, x, invRms },
      d,
      rows,
      { d: ['i32', d] },
      D_WEIGHT_WGSL,
    );
    const dWeight = runFused(args.backend, dWeightSums, [d]);
    return [dx, dWeight];
  }) as unknown as tf.KernelFunc,
};
