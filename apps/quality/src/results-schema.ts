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

export const qualityResultsSchema = z.object({
  tool: z.literal('relora-quality'),
  version: z.literal(1),
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
  }),
  configs: z.array(
    z.object({
      id: z.string(),
      label: z.string(),
      paperRow: z.string(),
      reset: z.string().nullable(),
      /** relora-pretrain's flags for this configuration (seed and run directory added per run). */
      args: z.array(z.string()),
      runs: z.array(runSchema),
      perplexity: z.array(spreadSchema.extend({ step: z.number().int() })),
      /** Perplexity at the last step over seeds; null when a seed diverged. */
      final: spreadSchema.nullable(),
      /** final.mean / full rank's final.mean - 1, when both ran. */
      vsFullRank: z.number().nullable(),
      /** final.mean / the full-reset ReLoRA row's final.mean - 1, for configurations with a reset. */
      vsFullReset: z.number().nullable(),
    }),
  ),
  /** Wall-clock seconds of the whole comparison. */
  wallSec: z.number(),
});

export type QualityResults = z.infer<typeof qualityResultsSchema>;
export type ConfigResult = QualityResults['configs'][number];
