// Schema of `bench-results.json`: every figure of a run and the environment it ran in.
import { z } from 'zod';
import {
  benchCaseSchema,
  caseMeasurementSchema,
  modelShapeSchema,
  parameterCountsSchema,
  summarySchema,
  wasmSimdSchema,
} from './case-schema';
import { peerCaseSchema, peerEnvironmentSchema } from './peer-results-schema';

export const checkSchema = z.object({
  caseId: z.string(),
  /** `params`, `resident-bytes`, `peak-holds-gradients`, `no-leak`, `reset-zeroed`. */
  name: z.string(),
  ok: z.boolean(),
  measured: z.number(),
  expected: z.number(),
  message: z.string(),
});

/** A ratio of two cases' medians (see `compareCases`; names in the README). */
export const comparisonSchema = z.object({
  name: z.string(),
  caseId: z.string(),
  baselineId: z.string(),
  ratio: z.number(),
});

export const caseResultSchema = benchCaseSchema.extend({
  status: z.enum(['ok', 'failed']),
  /** Fresh processes this case ran in; timings pool all their steps. */
  rounds: z.number().int().positive(),
  error: z.string().nullable(),
  wallSec: z.number().nonnegative(),
  shape: modelShapeSchema,
  analytical: z.object({
    params: parameterCountsSchema,
    bytes: z.object({
      weights: z.number(),
      gradients: z.number(),
      optimizer: z.number(),
      /** A method's own tensors (SwitchLoRA's candidate pools); absent: none. */
      state: z.number().optional(),
    }),
    /** Causal mask and rotary tables at this sequence length. */
    bufferBytes: z.number().nonnegative(),
    flopsPerToken: z.number().positive(),
  }),
  measured: caseMeasurementSchema.nullable(),
  derived: z
    .object({
      /** workers x batch x seq: a workers case's step covers one micro-batch per thread. */
      tokensPerStep: z.number().int().positive(),
      tokensPerSec: summarySchema,
      /** Median forward-and-backward minus median forward alone, ms; null with workers. */
      backwardMs: z.number().nullable(),
      /** Model FLOPs per second at the median step time (every thread's work, with workers). */
      achievedFlops: z.number().nonnegative(),
      /** The best plain 2D matmul rate of the same run, FLOP/s. */
      matmulFlops: z.number().positive(),
      fractionOfMatmul: z.number().nonnegative(),
      /** Model FLOP/s over the GPU's float32 peak, where it is known; null otherwise. */
      fractionOfPeak: z.number().nonnegative().nullable().default(null),
      /** Median step plus (merge + reset) / reloraEvery; relora only. */
      amortizedStepMs: z.number().nullable(),
      amortizedTokensPerSec: z.number().nullable(),
    })
    .nullable(),
  /** The same case in PyTorch (`--peer torch`); null without a peer, and in older results. */
  peer: peerCaseSchema.nullable().default(null),
});

export const environmentSchema = z.object({
  backend: z.string().nullable(),
  tfBackend: z.string().nullable(),
  versions: z.record(z.string(), z.string()),
  node: z.string(),
  platform: z.string(),
  arch: z.string(),
  cpuModel: z.string(),
  cpuCount: z.number().int().positive(),
  /** Thread count the backend used by default (per case in `cases[].measured.backend`). */
  threads: z.number().int().positive().nullable(),
  /** wasm's SIMD features (relaxed SIMD, FMA in the matmul loop); null elsewhere and in older results. */
  wasmSimd: wasmSimdSchema.nullable().default(null),
  totalMemoryBytes: z.number().positive(),
  gpu: z.string().nullable(),
  /** The GPU's float32 peak where `gpu` names a known one (`gpu-peaks.ts`); null in older results. */
  gpuPeak: z
    .object({ name: z.string(), fp32Flops: z.number().positive(), source: z.string() })
    .nullable()
    .default(null),
  /** The peer's interpreter, torch and BLAS (`--peer torch`); null without one, and in older results. */
  peer: peerEnvironmentSchema.nullable().default(null),
});

export const benchResultsSchema = z.object({
  schemaVersion: z.literal(1),
  tool: z.literal('relora-bench'),
  createdAt: z.string(),
  environment: environmentSchema,
  settings: z.record(z.string(), z.unknown()),
  flopsFormula: z.string(),
  tolerance: z.object({ relative: z.number(), bytes: z.number(), statement: z.string() }),
  cases: z.array(caseResultSchema),
  skipped: z.array(z.object({ id: z.string(), reason: z.string() })),
  checks: z.array(checkSchema),
  comparisons: z.array(comparisonSchema),
  summary: z.object({
    cases: z.number().int(),
    failedCases: z.number().int(),
    checksPassed: z.number().int(),
    checksFailed: z.number().int(),
  }),
});

export type Check = z.infer<typeof checkSchema>;
export type Comparison = z.infer<typeof comparisonSchema>;
export type CaseResult = z.infer<typeof caseResultSchema>;
export type Environment = z.infer<typeof environmentSchema>;
export type BenchResults = z.infer<typeof benchResultsSchema>;

/** Parses results JSON, throwing an error that names every field that is wrong. */
export function validateResults(value: unknown): BenchResults {
  const parsed = benchResultsSchema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new Error(`bench results do not match the schema:\n  ${issues.join('\n  ')}`);
  }
  return parsed.data;
}
