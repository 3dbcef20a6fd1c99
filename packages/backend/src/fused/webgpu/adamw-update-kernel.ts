// The fused AdamW update for webgpu: one WGSL pass writing all three outputs, instead of ~14 kernels.
import { ADAMW_UPDATE_KERNEL, adamwConstants } from '@relora/core';
import * as tf from '@tensorflow/tfjs-core';
import type { KernelArgs } from '../../kernel-args';
import { checkAdamWUpdateArgs } from '../adamw-update-args';
import { elementProgram, runFusedWriting } from './wgsl-program';

// @relora/core's adamwUpdateValues, operation for operation. The constants arrive as float32
// uniforms computed by adamwConstants on the CPU, rounded as the ops path's scalar tensors are.
// One pass reads the four inputs once and writes p' as the program's output and m', v' into two
// fresh buffers bound writable (runFusedWriting): one dispatch per variable, not three (the first
// version ran a pass per output, each recomputing m' and v'; PERF-LOG.md, WebGPU 2).
const ADAMW_ELEMENT = `
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

  fn element(i : i32) -> f32 {
    let next = adamwAt(i);
    mNext[i] = next.m;
    vNext[i] = next.v;
    return next.param;
  }`;

/** The inputs the program writes: m' and v', each a new tensor. */
const WRITTEN = ['mNext', 'vNext'] as const;

/**
 * {@link ADAMW_UPDATE_KERNEL} on webgpu: `[paramNext, mNext, vNext]`, new tensors, from one
 * dispatch. WGSL's division and sqrt need not round correctly and the GPU's compiler may fuse a
 * multiply and an add, so the floats can differ from the ops path's in their last bits.
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
    const backend = args.backend as unknown as {
      makeTensorInfo(shape: number[], dtype: 'float32', values?: Float32Array): tf.TensorInfo;
    };
    // an empty variable runs no program (the backend skips empty outputs): its moments are empty too
    if (size === 0) {
      return [0, 1, 2].map(() =>
        backend.makeTensorInfo(param.shape, 'float32', new Float32Array(0)),
      );
    }
    const [mNext, vNext] = WRITTEN.map(() => backend.makeTensorInfo(param.shape, 'float32'));
    const program = elementProgram(
      'adamw_one_pass',
      { param, grad, m, v, mNext: mNext!, vNext: vNext! },
      size,
      uniforms,
      ADAMW_ELEMENT,
    );
    const paramNext = runFusedWriting(args.backend, program, param.shape, WRITTEN);
    return [paramNext, mNext!, vNext!];
  }) as unknown as tf.KernelFunc,
};
