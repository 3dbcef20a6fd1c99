// The fused AdamW update for webgpu: three WGSL passes, one per output, instead of ~14 kernels.
import { ADAMW_UPDATE_KERNEL, adamwConstants } from '@relora/core';
import * as tf from '@tensorflow/tfjs-core';
import type { KernelArgs } from '../../kernel-args';
import { checkAdamWUpdateArgs } from '../adamw-update-args';
import { elementProgram, runFused } from './wgsl-program';

// @relora/core's adamwUpdateValues, operation for operation. The constants arrive as float32
// uniforms computed by adamwConstants on the CPU, rounded as the ops path's scalar tensors are.
// A program writes one buffer, so each of the three passes recomputes m' and v' (two products
// and two sums per element: cheaper than a fourth pass over memory) and keeps one output.
const ADAMW_WGSL = `
  struct AdamWNext {
    param : f32,
    m : f32,
    v : f32,
  };

  fn adamwAt(i : i32) -> AdamWNext {
    let g = grad[i];
    let mNext = m[i] + (g - m[i]) * uniforms.oneMinusBeta1;
    let vNext = v[i] * uniforms.beta2 + (g * g) * uniforms.oneMinusBeta2;
    // decoupled weight decay first, as torch.optim.AdamW; decay is exactly 1 without it
    let p = param[i] * uniforms.decay;
    let denom = sqrt(vNext) / uniforms.correction2Sqrt + uniforms.epsilon;
    return AdamWNext(p - (mNext / denom) * uniforms.stepSize, mNext, vNext);
  }
`;

const OUTPUTS = ['param', 'm', 'v'] as const;

/**
 * {@link ADAMW_UPDATE_KERNEL} on webgpu: `[paramNext, mNext, vNext]`, new tensors. WGSL's
 * division and sqrt need not round correctly and the GPU's compiler may fuse a multiply and an
 * add, so the floats can differ from the ops path's in their last bits.
 */
export const adamwUpdateWebGpuConfig: tf.KernelConfig = {
  kernelName: ADAMW_UPDATE_KERNEL,
  backendName: 'webgpu',
  kernelFunc: ((args: KernelArgs) => {
    const { param, grad, m, v, attrs } = checkAdamWUpdateArgs(args.inputs, args.attrs, 'webgpu');
    const [oneMinusBeta1, beta2, oneMinusBeta2, decay, correction2Sqrt, epsilon, stepSize] =
      adamwConstants(attrs) as [number, number, number, number, number, number, number];
    const uniforms = {
      oneMinusBeta1: ['f32', oneMinusBeta1],
      beta2: ['f32', beta2],
      oneMinusBeta2: ['f32', oneMinusBeta2],
      decay: ['f32', decay],
      correction2Sqrt: ['f32', correction2Sqrt],
      epsilon: ['f32', epsilon],
      stepSize: ['f32', stepSize],
    } as const;
    const size = tf.util.sizeFromShape(param.shape);
    return OUTPUTS.map((output) => {
      const wgsl = `${ADAMW_WGSL}
        fn element(i : i32) -> f32 {
          return adamwAt(i).${output};
        }`;
      const program = elementProgram(
        `adamw_${output}`,
        { param, grad, m, v },
        size,
        uniforms,
        wgsl,
      );
      return runFused(args.backend, program, param.shape);
    });
  }) as unknown as tf.KernelFunc,
};
