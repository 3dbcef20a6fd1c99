// The peer's part of `bench-results.json`: its figures per case and the torch it ran on.
import { z } from 'zod';
import { summarySchema } from './case-schema';
import { peerHelloSchema } from './peer-protocol';

/** The same case in PyTorch (`--peer torch`), run after each of the case's own rounds. */
export const peerCaseSchema = z.object({
  name: z.literal('torch'),
  status: z.enum(['ok', 'failed']),
  /** Why a round failed (the first failure), else null. */
  error: z.string().nullable(),
  /** `lora` for the bench's lora and relora cases (a ReLoRA step is a LoRA step). */
  mode: z.enum(['full', 'lora']),
  /** `torch.set_num_threads`: the case's workers (w > 1) or backend threads, else 1. */
  threads: z.number().int().positive(),
  /** Tokens per step: the same as ours (w x batch x seq with workers). */
  tokensPerStep: z.number().int().positive(),
  rounds: z.number().int().nonnegative(),
  /** Every timed step of every round, ms; null when a round failed. */
  stepMs: summarySchema.nullable(),
  tokensPerSec: summarySchema.nullable(),
  /** Our median tokens/s over the peer's; null when either side failed. */
  ratio: z.number().positive().nullable(),
  /** The torch model's own parameters (checked against the analytical counts: `peer-params`). */
  params: z
    .object({ total: z.number().int().nonnegative(), trainable: z.number().int().nonnegative() })
    .nullable(),
  loss: z.object({ first: z.number(), last: z.number() }).nullable(),
  /** Untimed steps before timing (the fewest over rounds). */
  warmupStepsRun: z.number().int().nonnegative().nullable(),
});

/** The interpreter and torch the peer ran on: its hello, less the message type. */
export const peerEnvironmentSchema = peerHelloSchema
  .omit({ type: true })
  .extend({ name: z.literal('torch') });

export type PeerCase = z.infer<typeof peerCaseSchema>;
export type PeerEnvironment = z.infer<typeof peerEnvironmentSchema>;
