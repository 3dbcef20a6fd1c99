// The GPU matrix of `--backend webgpu` (issue 18): the paper's sizes at T = 512 with batch sizes
// that fill the GPU, or tiny ones on a software adapter, where only correctness can be shown.
import { countBytes, countParameters } from './analytical';
import type { ModelShape } from './model-shape';
import type { BenchOptions } from './options';

/** What the bench knows about the GPU before it runs a case. */
export interface GpuFacts {
  /** The adapter in one phrase. */
  adapter: string;
  /** A CPU rasteriser (lavapipe, SwiftShader): correct, never fast. */
  software: boolean;
  /** The largest storage buffer a program may bind, bytes (WebGPU's adapter limits). */
  maxBindingBytes: number;
  /** The GPU's memory, bytes; null where nothing says (WebGPU does not). */
  memoryBytes: number | null;
}

/** The matrix on a hardware adapter: presets, T = 512, V = 32100, r = 128; under 8 minutes. */
export const GPU_MATRIX: Partial<BenchOptions> = {
  presets: ['60m', '130m', '350m'],
  ranks: [128],
  seqLen: 512,
  vocabSize: 32100,
  rounds: 1,
  warmupSteps: 2,
  warmupSec: 0,
  steps: 6,
  restartRepeats: 2,
  reloraEvery: 5000,
};

/** `--quick` on a hardware adapter: the two smaller presets, fewer steps; under 3 minutes. */
export const GPU_QUICK: Partial<BenchOptions> = {
  ...GPU_MATRIX,
  presets: ['60m', '130m'],
  steps: 4,
  restartRepeats: 1,
};

/** On a software adapter (quick or not): the tiny preset, every mode, a minute or two in all. */
export const SOFTWARE_GPU_MATRIX: Partial<BenchOptions> = {
  presets: ['tiny'],
  ranks: [32],
  batchSize: 2,
  seqLen: 64,
  vocabSize: 258,
  rounds: 1,
  warmupSteps: 2,
  warmupSec: 0,
  steps: 2,
  restartRepeats: 1,
  reloraEvery: 100,
};

/** The largest batch the GPU matrix runs: 16 x 512 = 8192 tokens per step already fill a GPU. */
export const MAX_GPU_BATCH = 16;
/** Share of the GPU's memory a case may plan to hold (the rest: the pool's slack, the driver). */
export const GPU_MEMORY_SHARE = 0.6;
/** Assumed where nothing tells the GPU's memory (`--gpu-memory-gib` does). */
export const ASSUMED_GPU_MEMORY = 16 * 2 ** 30;

/**
 * Float32 bytes one training step holds at its peak, a planning estimate (the bench measures the
 * real peak): full-rank weights, gradients and AdamW m and v, plus what autodiff keeps per token:
 * per layer ~48 d + 4 f values (norms, projections, rotary, SwiGLU) and 3 H T (scores,
 * probabilities, their gradient), and 3 V for the logits, their softmax and gradient.
 */
export function stepBytesEstimate(shape: ModelShape, seqLen: number, batch: number): number {
  const { hiddenSize: d, intermediateSize: f, numLayers: L, numHeads: H, vocabSize: V } = shape;
  const state = countBytes(countParameters(shape, 'full'));
  const resident = state.weights + state.gradients + state.optimizer;
  const perToken = L * (48 * d + 4 * f + 3 * H * seqLen) + 3 * V;
  return resident + 4 * perToken * batch * seqLen;
}

/**
 * The batch of a preset on this GPU: the largest power of two up to {@link MAX_GPU_BATCH} whose
 * logits ([B T, V] float32, the step's largest tensor) fit one storage binding and whose
 * {@link stepBytesEstimate} fits {@link GPU_MEMORY_SHARE} of the GPU's memory; 0 if none does.
 */
export function gpuBatchSize(shape: ModelShape, seqLen: number, gpu: GpuFacts): number {
  const memory = (gpu.memoryBytes ?? ASSUMED_GPU_MEMORY) * GPU_MEMORY_SHARE;
  for (let batch = MAX_GPU_BATCH; batch >= 1; batch /= 2) {
    const logits = 4 * batch * seqLen * shape.vocabSize;
    if (logits <= gpu.maxBindingBytes && stepBytesEstimate(shape, seqLen, batch) <= memory)
      return batch;
  }
  return 0;
}

/** The GPU matrix settled for one GPU: options with batch sizes, presets left out and why. */
export interface GpuPlan {
  options: BenchOptions;
  /** Presets left out (1b without the memory, any that fits no batch), with the reason. */
  skipped: Array<{ id: string; reason: string }>;
  /** One line on how the batch sizes were chosen. */
  note: string;
}

/**
 * Fills in `options` (defaults, `--quick` and flags merged; `given` the flags the user set) for
 * webgpu on `gpu`: the GPU matrix's settings where no flag set them, per-preset batch sizes where
 * `--batch-size` is not given, `1b` added where its estimate fits (and no `--presets`).
 */
export function planGpuMatrix(
  options: BenchOptions,
  given: Partial<BenchOptions>,
  quick: boolean,
  gpu: GpuFacts,
  shapeOf: (preset: string, vocabSize: number) => ModelShape,
): GpuPlan {
  const base = gpu.software ? SOFTWARE_GPU_MATRIX : quick ? GPU_QUICK : GPU_MATRIX;
  const defined = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined));
  const out: BenchOptions = { ...options, ...base, ...defined };
  const skipped: GpuPlan['skipped'] = [];
  if (!gpu.software && !quick && given.presets === undefined) out.presets = [...out.presets, '1b'];
  const memory = gpu.memoryBytes === null ? 'assumed 16 GiB' : 'nvidia-smi or --gpu-memory-gib';
  if (gpu.software || given.batchSize !== undefined) {
    return {
      options: out,
      skipped,
      note: gpu.software
        ? 'a software adapter: the tiny matrix (correctness and counts, no speed)'
        : `batch ${out.batchSize} (--batch-size)`,
    };
  }
  const batchSizes: Record<string, number> = {};
  for (const preset of out.presets) {
    const shape = shapeOf(preset, out.vocabSize);
    const batch = gpuBatchSize(shape, out.seqLen, gpu);
    if (batch > 0) batchSizes[preset] = batch;
    else {
      const need = stepBytesEstimate(shape, out.seqLen, 1) / 2 ** 30;
      skipped.push({
        id: preset,
        reason: `needs ~${need.toFixed(1)} GiB at batch 1, over ${GPU_MEMORY_SHARE * 100}% of the GPU's memory (${memory})`,
      });
    }
  }
  out.presets = out.presets.filter((p) => batchSizes[p] !== undefined);
  out.batchSizes = batchSizes;
  const list = Object.entries(batchSizes)
    .map(([p, b]) => `${p} ${b}`)
    .join(', ');
  return {
    options: out,
    skipped,
    note: `batch sizes ${list}: the largest power of two <= ${MAX_GPU_BATCH} whose estimated step fits ${GPU_MEMORY_SHARE * 100}% of the GPU's memory (${memory}) and whose logits fit one binding`,
  };
}
