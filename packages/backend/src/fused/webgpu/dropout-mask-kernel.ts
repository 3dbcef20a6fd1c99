// The dropout mask kernel for webgpu: @relora/core's counter-based hash as u32 WGSL, the same bits.
import { DROPOUT_MASK_KERNEL } from '@relora/core';
import type * as tf from '@tensorflow/tfjs-core';
import type { KernelArgs } from '../../kernel-args';
import { checkDropoutMaskAttrs } from '../dropout-mask-args';
import { elementProgram, runFused } from './wgsl-program';

// @relora/core's dropoutMaskBits, element for element. WGSL's u32 products wrap modulo 2^32 as
// Math.imul does and its >> on u32 is JS's >>>, so the hash is bit for bit the JS one. The keys
// and keptBits arrive as the u32 with the same bits as their int32 attributes.
const DROPOUT_MASK_WGSL = `
  // murmur3's 32-bit finaliser: @relora/core's fmix32
  fn fmix32(value : u32) -> u32 {
    var h = value;
    h = h ^ (h >> 16u);
    h = h * 0x85ebca6bu;
    h = h ^ (h >> 13u);
    h = h * 0xc2b2ae35u;
    return h ^ (h >> 16u);
  }

  fn element(i : i32) -> f32 {
    // i ^ keyA and the odd multiplier are bijections: no two elements share the finaliser's input
    let h = fmix32(((u32(i) ^ uniforms.keyA) * 0x9e3779b1u) ^ uniforms.keyB);
    // kept where the top 31 bits are below threshold (in [0, 2^31]), as the JS sign trick says;
    // the float is written as bits so that it is keptBits exactly, whatever value they encode
    return bitcast<f32>(select(0u, uniforms.keptBits, (h >> 1u) < uniforms.threshold));
  }
`;

/** {@link DROPOUT_MASK_KERNEL} on webgpu: a new float32 tensor [rows, cols], drawn on the GPU. */
export const dropoutMaskWebGpuConfig: tf.KernelConfig = {
  kernelName: DROPOUT_MASK_KERNEL,
  backendName: 'webgpu',
  kernelFunc: ((args: KernelArgs) => {
    const { rows, cols, keyA, keyB, threshold, keptBits } = checkDropoutMaskAttrs(
      args.attrs,
      'webgpu',
    );
    const program = elementProgram(
      'dropout_mask',
      {},
      rows * cols,
      {
        keyA: ['u32', keyA >>> 0],
        keyB: ['u32', keyB >>> 0],
        threshold: ['u32', threshold],
        keptBits: ['u32', keptBits >>> 0],
      },
      DROPOUT_MASK_WGSL,
    );
    return runFused(args.backend, program, [rows, cols]);
  }) as unknown as tf.KernelFunc,
};
