// Schemas of what passes between the suite and a case's child process: the spec in, the figures out.
import { z } from 'zod';
import { RESET_MODES, TRAINING_MODES } from './options';

const count = z.number().int().nonnegative();
const bytes = z.number().nonnegative();

export const modeSchema = z.enum(TRAINING_MODES);

export const summarySchema = z.object({
  n: z.number().int().positive(),
  median: z.number(),
  q1: z.number(),
  q3: z.number(),
  min: z.number(),
  max: z.number(),
  samples: z.array(z.number()),
});

export const benchCaseSchema = z.object({
  id: z.string().min(1),
  preset: z.string().min(1),
  mode: modeSchema,
  rank: z.number().int().positive().nullable(),
  threads: z.number().int().positive().nullable(),
  /** Data-parallel threads, one whole micro-batch each per step; absent in older results: 1. */
  workers: z.number().int().positive().default(1),
});

/** One plain loop alone on a worker thread, then on two worker threads at once. */
export const loopScalingSchema = z.object({
  /** The loop alone, ms. */
  aloneMs: z.number().positive(),
  /** Each of the two copies run at the same time, ms. */
  pairMs: z.tuple([z.number().positive(), z.number().positive()]),
  /** 2 x aloneMs / max(pairMs): ~2 when two cores are free, ~1 when the two share one. */
  scaling: z.number().positive(),
});

/** What two threads could get on this machine at one moment (see `two-thread-ceiling.ts`). */
export const twoThreadCeilingSchema = z.object({
  /** Measured just before or just after the case's timed steps, in the same process. */
  at: z.enum(['before-steps', 'after-steps']),
  /** A chain of dependent square roots: scales on any two hardware threads. */
  latency: loopScalingSchema,
  /** Eight independent multiply-add chains: scales only on two cores with free FP units. */
  fpThroughput: loopScalingSchema,
});

export const modelShapeSchema = z.object({
  vocabSize: z.number().int().positive(),
  hiddenSize: z.number().int().positive(),
  intermediateSize: z.number().int().positive(),
  numLayers: z.number().int().positive(),
  numHeads: z.number().int().positive(),
  tieWordEmbeddings: z.boolean().optional(),
});

/** What the parent sends a child: one case and every setting it needs. */
export const caseSpecSchema = z.object({
  case: benchCaseSchema,
  /** The full `@relora/llama` config (preset + vocabSize + maxSeqLen). */
  config: modelShapeSchema.extend({
    maxSeqLen: z.number().int().positive(),
    rmsNormEps: z.number().positive(),
    ropeTheta: z.number().positive(),
    tieWordEmbeddings: z.boolean(),
    initializerRange: z.number().positive(),
  }),
  backend: z.string().nullable(),
  /** Log the backends skipped on the way to the chosen one, and why. */
  verbose: z.boolean(),
  batchSize: z.number().int().positive(),
  seqLen: z.number().int().positive(),
  warmupSteps: z.number().int().nonnegative(),
  warmupSec: z.number().nonnegative(),
  steps: z.number().int().positive(),
  restartRepeats: z.number().int().positive(),
  loraAlpha: z.number().positive(),
  loraDropout: z.number().min(0).max(1),
  resetMode: z.enum(RESET_MODES),
  resetRatio: z.number().min(0).max(1),
  seed: z.number().int(),
});

export const parameterCountsSchema = z.object({
  total: count,
  trainable: count,
  frozen: count,
  lora: count,
});

/** `@relora/backend`'s `wasmSimdFeatures()`: what the wasm kernels run with. */
export const wasmSimdSchema = z.object({
  simd: z.boolean(),
  relaxedSimd: z.boolean(),
  fma: z.boolean(),
});

/** What a child prints: the figures measured in its own fresh process. */
export const caseMeasurementSchema = z.object({
  backend: z.object({
    name: z.string(),
    tfBackend: z.string(),
    versions: z.record(z.string(), z.string()),
    threads: z.number().int().positive().nullable(),
    /** The WebGPU adapter in one phrase (webgpu only), else null; absent from older results. */
    adapter: z.string().nullable().default(null),
    /** wasm only: SIMD, relaxed SIMD, and whether the matmul loop fused multiply-adds; else null. */
    wasmSimd: wasmSimdSchema.nullable().default(null),
  }),
  /** Counted from the model's own variables (checked against the analytical count). */
  params: parameterCountsSchema,
  /**
   * Tensor bytes are those of the process's main thread: in a workers case (w > 1) the worker
   * threads' replicas, activations and gradients are not in them (RSS is the whole process's).
   * On webgpu every byte figure below is the backend's own count of its GPU buffers instead.
   */
  memory: z.object({
    /**
     * What the byte figures count: `tensors`, the engine's live tensor bytes (`tf.memory()`), or
     * `gpu-buffers`, the bytes of the GPU buffers the webgpu backend holds (`memoryReport().gpuBytes`,
     * its exact peak `peakGpuBytes`): where the values live there. Older results counted tensors.
     */
    accounting: z.enum(['tensors', 'gpu-buffers']).default('tensors'),
    /** Tensor bytes alive before the model existed (the token batch, backend constants). */
    baselineBytes: bytes,
    /** Tensor bytes after warm-up, minus baseline: weights + optimizer state + buffers. */
    residentBytes: bytes,
    /** Highest tensor bytes during one update step, minus baseline. */
    peakBytes: bytes,
    /** peak - resident: saved activations, gradients and temporaries of one step. */
    activationBytes: bytes,
    rssBytes: bytes,
    /** Peak resident set size of the child process. */
    maxRssBytes: bytes,
    /** GPU bytes where the backend reports them, else null. */
    gpuBytes: bytes.nullable(),
    numTensorsAfterWarmup: count,
    numTensorsAfterSteps: count,
    /** `memoryReport()` of `@relora/backend` after the measured steps, when it exists. */
    backendReport: z.unknown().nullable(),
  }),
  timing: z.object({
    /** One whole update step: forward, backward, clipping, AdamW (w micro-batches with workers). */
    stepMs: summarySchema,
    /**
     * Forward and backward (`tf.variableGrads`) within the step; with workers, until the summed
     * gradients of all threads are on the main thread (weights sent, replies summed).
     */
    gradMs: summarySchema,
    /** Clipping and AdamW within the step. */
    optimizerMs: summarySchema,
    /** Forward alone (loss without a tape), measured in separate passes; null with workers. */
    forwardMs: summarySchema.nullable(),
    /** Merge-and-reinit of every LoRA layer (relora only; not timed with workers). */
    mergeMs: summarySchema.nullable(),
    /** Optimizer reset of every LoRA factor (relora only; not timed with workers). */
    resetMs: summarySchema.nullable(),
  }),
  /** The backend's plain 2D float32 matmul rate, in GFLOP/s, measured in the same process. */
  matmul: z.object({
    modelShape: z.tuple([count, count, count]),
    modelShapeGflops: summarySchema,
    square: count,
    squareGflops: summarySchema,
  }),
  reset: z.object({ zeroed: count, total: count }).nullable(),
  loss: z.object({ first: z.number(), last: z.number() }),
  /**
   * The GPU work of one steady-state update step shaped like the trainer's (no timing syncs):
   * webgpu only (`countGpuWork` of `@relora/backend`); null elsewhere and in older results.
   */
  gpuWork: z
    .object({
      dispatches: count,
      submits: count,
      syncs: count,
      uploads: count,
      bufferCreations: count,
      byProgram: z.record(z.string(), count),
    })
    .nullable()
    .default(null),
  /** Untimed steps run before measuring (see `warmupSec`); null in older results. */
  warmupStepsRun: count.nullable().default(null),
  /**
   * Workers cases (w > 1): the machine's two-thread ceiling, measured before and after the timed
   * steps (every round's, in order); null otherwise and in older results.
   */
  twoThreadCeiling: z.array(twoThreadCeilingSchema).nullable().default(null),
});

export type CaseSpec = z.infer<typeof caseSpecSchema>;
export type LoopScaling = z.infer<typeof loopScalingSchema>;
export type TwoThreadCeiling = z.infer<typeof twoThreadCeilingSchema>;
export type CaseMeasurement = z.infer<typeof caseMeasurementSchema>;
/** What a case's steps give, besides the backend and the matmul rates. */
export type StepFigures = Omit<CaseMeasurement, 'backend' | 'matmul'>;
