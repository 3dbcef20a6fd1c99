// results.json: what a quality comparison ran and measured (zod schema, so a file can be checked and read back).
import { z } from 'zod';

const spreadSchema = z.object({
  mean: z.number(),
  sd: z.number(),
  min: z.number(),
  max: z.number(),
  n: z.number().int(),
});

const runSchema = z.object({
  seed: z.number().int(),
  evals: z.array(z.object({ step: z.number().int(), loss: z.number(), perplexity: z.number() })),
  diverged: z.string().nullable(),
  maxGradNorm: z.number(),
  restarts: z.number().int(),
  backend: z.string(),
  wallSec: z.number(),
});

const perplexitySchema = z.array(spreadSchema.extend({ step: z.number().int() }));

/** FLOPs of a configuration's equal-steps run (see method-flops.ts). */
const flopsSchema = z.object({
  /** The method's step after any warm start, FLOPs per token (a multiply-add is 2). */
  perToken: z.number(),
  /** Full rank's, same model and sequence length, FLOPs per token. */
  fullRankPerToken: z.number(),
  /** Steps at full rank's FLOPs before the method's (ReLoRA's warm start). */
  warmStartSteps: z.number().int(),
  tokensPerStep: z.number().int(),
  /** Over the equal-steps run, warm start included: FLOPs per token, and in all. */
  meanPerToken: z.number(),
  total: z.number(),
  /** What is counted for this method. */
  counts: z.string(),
});

/** The configuration at full rank's training FLOPs (see equal-compute.ts). */
const equalComputeSchema = z.object({
  steps: z.number().int(),
  /** False: within the tolerance of full rank's FLOPs; the equal-steps runs stand for it. */
  separate: z.boolean(),
  /** relora-pretrain flags appended to `args` for the equal-compute runs. */
  args: z.array(z.string()),
  /** Full-rank steps before the method's (ReLoRA's warm start, scaled). */
  warmStartSteps: z.number().int(),
  /** Training FLOPs of the run, and full rank's at equal steps (the budget). */
  flops: z.number(),
  budget: z.number(),
  runs: z.array(runSchema),
  perplexity: perplexitySchema,
  final: spreadSchema.nullable(),
  vsFullRank: z.number().nullable(),
});

export const qualityResultsSchema = z.object({
  tool: z.literal('relora-quality'),
  /** 1: equal steps only; 2: FLOPs per configuration and, with --equal-compute, equal-compute runs. */
  version: z.union([z.literal(1), z.literal(2)]),
  createdAt: z.string(),
  /** The command line that made this file (the quality CLI's own arguments). */
  command: z.string(),
  settings: z.object({
    steps: z.number().int(),
    warmStartSteps: z.number().int(),
    relora: z.number().int(),
    lr: z.number(),
    warmStartLr: z.number(),
    seeds: z.array(z.number().int()),
    evalEvery: z.number().int(),
    evalTokens: z.number().int(),
    modelConfig: z.string(),
    dataset: z.string(),
    tokenizer: z.string(),
    backend: z.string(),
    jobs: z.number().int(),
    pretrainArgs: z.array(z.string()),
    /** Absent in version 1 (equal steps only). */
    equalCompute: z.boolean().optional(),
  }),
  /** How FLOPs per token are counted (version 2). */
  flopsFormula: z.string().optional(),
  configs: z.array(
    z.object({
      id: z.string(),
      label: z.string(),
      paperRow: z.string(),
      reset: z.string().nullable(),
      /** relora-pretrain's flags for this configuration (seed and run directory added per run). */
      args: z.array(z.string()),
      runs: z.array(runSchema),
      perplexity: perplexitySchema,
      /** Perplexity at the last step over seeds; null when a seed diverged. */
      final: spreadSchema.nullable(),
      /** final.mean / full rank's final.mean - 1, when both ran. */
      vsFullRank: z.number().nullable(),
      /** final.mean / the full-reset ReLoRA row's final.mean - 1, for configurations with a reset. */
      vsFullReset: z.number().nullable(),
      /** Version 2. */
      flops: flopsSchema.optional(),
      /** Version 2; null when --equal-compute was not given. */
      equalCompute: equalComputeSchema.nullable().optional(),
    }),
  ),
  /** Wall-clock seconds of the whole comparison. */
  wallSec: z.number(),
});

export type QualityResults = z.infer<typeof qualityResultsSchema>;
export type ConfigResult = QualityResults['configs'][number];
export type EqualComputeResult = z.infer<typeof equalComputeSchema>;
