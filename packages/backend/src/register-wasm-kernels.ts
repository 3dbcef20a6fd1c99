// The wasm backend's kernels from @relora/backend, in one table: process-wide replacements of
// stock kernels (src/replacements/) and ReLoRA's fused kernels (src/fused/wasm/).
import {
  ADAMW_UPDATE_KERNEL,
  CROSS_ENTROPY_GRAD_KERNEL,
  CROSS_ENTROPY_KERNEL,
  DROPOUT_MASK_KERNEL,
  RMS_NORM_GRAD_KERNEL,
  RMS_NORM_KERNEL,
  ROTARY_KERNEL,
} from '@relora/core';
import * as tf from '@tensorflow/tfjs-core';
import { ADAMW_FUNCTION } from './fused/wasm/adamw-simd';
import { adamwUpdateConfig } from './fused/wasm/adamw-update-kernel';
import { crossEntropyConfig, crossEntropyGradConfig } from './fused/wasm/cross-entropy-kernel';
import {
  ADD_SCALAR_FUNCTION,
  ROW_MAX_FUNCTION,
  ROW_SUM_FUNCTION,
} from './fused/wasm/cross-entropy-simd';
import { dropoutMaskConfig } from './fused/wasm/dropout-mask-kernel';
import { DROPOUT_MASK_FUNCTION } from './fused/wasm/dropout-mask-simd';
import { rmsNormConfig, rmsNormGradConfig } from './fused/wasm/rms-norm-kernel';
import { RMS_NORM_FUNCTION, RMS_NORM_GRAD_FUNCTION } from './fused/wasm/rms-norm-simd';
import { rotaryConfig } from './fused/wasm/rotary-kernel';
import { ROTARY_FUNCTION } from './fused/wasm/rotary-simd';
import {
  type KernelEntry,
  type KernelError,
  purposes,
  registerTable,
  simdErrors,
} from './kernel-table';
import { batchMatMulConfig } from './replacements/batch-mat-mul';
import { makeConcatConfig } from './replacements/concat-kernel';
import { makeExpConfig } from './replacements/exp-kernel';
import { EXP_FUNCTION } from './replacements/exp-simd';
import { gatherConfig } from './replacements/gather-kernel';
import { identityConfig, makeCastConfig } from './replacements/identity-kernel';
import { MATMUL_FMA_FUNCTIONS, MATMUL_FUNCTIONS } from './replacements/matmul-simd';
import { makeSliceConfig, makeSplitVConfig } from './replacements/slice-kernels';
import { unsortedSegmentSumConfig } from './replacements/unsorted-segment-sum';
import { relaxedFmaInUse } from './wasm/relaxed-simd';
import { internals } from './wasm/wasm-heap';

/**
 * Missing: tfjs-backend-wasm 4.22 has none. Fused: ours alone, one kernel for what a chain of ops
 * did. Ours: a kernel another @relora package calls by name where registered (its JS fallback is
 * slower). The others replace a stock kernel that is slow in a training step (PERF.md).
 */
const WASM_TABLE: readonly KernelEntry[] = [
  {
    name: tf.UnsortedSegmentSum,
    why: 'missing: the gradient of gather (embeddings)',
    config: () => unsortedSegmentSumConfig,
  },
  {
    name: tf.BatchMatMul,
    why: 'every matmul as a WebAssembly SIMD loop on one thread, else XNNPACK 2D (transposes and batches included)',
    config: () => batchMatMulConfig,
    simd: MATMUL_FUNCTIONS,
  },
  {
    name: tf.Identity,
    why: 'shares memory instead of copying (the engine clones every tensor saved for backprop)',
    config: () => identityConfig,
  },
  {
    name: tf.Cast,
    why: 'shares memory when the dtype stays (the gradient of Multiply casts float32 to float32)',
    config: makeCastConfig,
  },
  {
    name: tf.Slice,
    why: 'strided copy from the heap (stock copies the whole input first)',
    config: makeSliceConfig,
  },
  {
    name: tf.SplitV,
    why: 'same as Slice (rotary embeddings split the last axis)',
    config: makeSplitVConfig,
  },
  {
    name: tf.Concat,
    why: 'tight per-row copies (rotary embeddings concat the last axis)',
    config: makeConcatConfig,
  },
  {
    name: tf.Exp,
    why: 'float32 as a SIMD loop (stock is scalar; a LM takes exp of every logit)',
    config: makeExpConfig,
    simd: [EXP_FUNCTION],
  },
  {
    name: tf.GatherV2,
    why: 'whole rows copied on the heap (stock copies element by element)',
    config: () => gatherConfig,
  },
  {
    name: ADAMW_UPDATE_KERNEL,
    why: "fused: AdamW's update of one variable in one pass (@relora/optim's ops path: ~14 kernels)",
    config: () => adamwUpdateConfig,
    simd: [ADAMW_FUNCTION],
  },
  {
    name: DROPOUT_MASK_KERNEL,
    why: "ours: @relora/lora's dropout masks as SIMD straight into the heap (no copy of a JS array)",
    config: () => dropoutMaskConfig,
    simd: [DROPOUT_MASK_FUNCTION],
  },
  {
    name: ROTARY_KERNEL,
    why: "fused: @relora/llama's rotary embedding and its gradient, one SIMD pass each (split, concat, 2 multiplies, add)",
    config: () => rotaryConfig,
    simd: [ROTARY_FUNCTION],
  },
  {
    name: RMS_NORM_KERNEL,
    why: "fused: @relora/llama's RMSNorm as one SIMD pass, saving 1/rms for backward (6 kernels)",
    config: () => rmsNormConfig,
    simd: [RMS_NORM_FUNCTION],
  },
  {
    name: RMS_NORM_GRAD_KERNEL,
    why: "fused: RMSNorm's gradient for x and the weight in one launch (~20 kernels, incl. a transposing Sum)",
    config: () => rmsNormGradConfig,
    simd: [RMS_NORM_GRAD_FUNCTION],
  },
  {
    name: CROSS_ENTROPY_KERNEL,
    why: "fused: @relora/llama's cross-entropy as SIMD passes over each row in L2, saving logSumExp for backward (~8 kernels over [N, V])",
    config: () => crossEntropyConfig,
    simd: [ROW_MAX_FUNCTION, ADD_SCALAR_FUNCTION, EXP_FUNCTION, ROW_SUM_FUNCTION],
  },
  {
    name: CROSS_ENTROPY_GRAD_KERNEL,
    why: "fused: cross-entropy's gradient for the logits, two SIMD passes per row (~9 kernels over [N, V])",
    config: () => crossEntropyGradConfig,
    simd: [ADD_SCALAR_FUNCTION, EXP_FUNCTION],
  },
];

/** What each kernel `registerWasmKernels` registers is for. */
export const WASM_KERNELS = purposes(WASM_TABLE);

// The matmul loop with relaxed FMA, run instead of the plain one where relaxed SIMD validates.
const FMA_TABLE: readonly KernelEntry[] = [
  { ...WASM_TABLE.find((entry) => entry.name === tf.BatchMatMul)!, simd: MATMUL_FMA_FUNCTIONS },
];

/** Every WebAssembly function the wasm kernels run, each once (kernels share some), for the text snapshots. */
export const WASM_SIMD_FUNCTIONS = [
  ...new Set([...WASM_TABLE, ...FMA_TABLE].flatMap((entry) => entry.simd ?? [])),
];

/**
 * Registers the kernels the wasm backend lacks for LLaMA training (forward and backward) and the
 * faster replacements of slow ones. `initBackend` calls it whenever it picks wasm; call it yourself
 * only if you set the wasm backend up without `initBackend`. Needs `@tensorflow/tfjs-backend-wasm`
 * imported first (the replacements keep its kernels for string tensors). Safe to call more than once.
 * @returns the names of the kernels registered.
 */
export function registerWasmKernels(): string[] {
  return registerTable(WASM_TABLE, 'wasm', { replace: true });
}

/**
 * Compiles the kernels' WebAssembly for this wasm backend's memory and lists the kernels whose
 * functions failed (they then run a JS loop or XNNPACK: the same results, slower). `initBackend`
 * reports them as `BackendInfo.kernelErrors`.
 */
export function wasmKernelErrors(backend: unknown): KernelError[] {
  const module = internals(backend).wasm;
  return [
    ...simdErrors(WASM_TABLE, module),
    ...(relaxedFmaInUse() ? simdErrors(FMA_TABLE, module) : []),
  ];
}
