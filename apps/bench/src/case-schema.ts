// Schemas of what passes between the suite and a case's child process: the spec in, the figures out.
import { z } from 'zod';

const count = z.number().int().nonnegative();
const bytes = z.number().nonnegative();

export const modeSchema = z.enum(['full', 'lora', 'relora']);

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
  batchSize: z.number().int().positive(),
  seqLen: z.number().int().positive(),
  warmupSteps: z.number().int().nonnegative(),
  steps: z.number().int().positive(),
  restartRepeats: z.number().int().positive(),
  loraAlpha: z.number().positive(),
  loraDropout: z.number().min(0).max(1),
  resetMode: z.enum(['zero', 'random', 'magnitude']),
  resetRatio: z.number().min(0).max(1),
  seed: z.number().int(),
});

export const parameterCountsSchema = z.object({
  total: count,
  trainable: count,
  frozen: count,
  lora: count,
});

/** What a child prints: the figures measured in its own fresh process. */
export const caseMeasurementSchema = z.object({
  backend: z.object({
    name: z.string(),
    tfBackend: z.string(),
    versions: z.record(z.string(), z.string()),
    threads: z.number().int().positive().nullable(),
  }),
  /** Counted from the model's own variables (checked against the analytical count). */
  params: parameterCountsSchema,
  memory: z.object({
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
    /** One whole update step: forward, backward, clipping, AdamW. */
    stepMs: summarySchema,
    /** Forward and backward (`tf.variableGrads`) within the step. */
    gradMs: summarySchema,
    /** Clipping and AdamW within the step. */
    optimizerMs: summarySchema,
    /** Forward alone (loss without a tape), measured in separate passes. */
    forwardMs: summarySchema,
    /** Merge-and-reinit of every LoRA layer (relora only). */
    mergeMs: summarySchema.nullable(),
    /** Optimizer reset of every LoRA factor (relora only). */
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
});

export type CaseSpec = z.infer<typeof caseSpecSchema>;
export type CaseMeasurement = z.infer<typeof caseMeasurementSchema>;
