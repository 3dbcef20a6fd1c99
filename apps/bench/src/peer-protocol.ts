// What passes between the suite and its PyTorch peer (`scripts/torch_peer.py`): JSON lines.
import { z } from 'zod';

/** The peer's first line: the interpreter, torch and the BLAS its matmuls go through. */
export const peerHelloSchema = z.object({
  type: z.literal('hello'),
  /** `torch.__version__`. */
  torch: z.string(),
  /** The Python version and interpreter path the peer runs on. */
  python: z.string(),
  executable: z.string(),
  /** `torch.get_num_threads()` before any request sets it. */
  threads: z.number().int().positive(),
  mkldnn: z.boolean(),
  mkl: z.boolean(),
  /** `BLAS_INFO` of `torch.__config__.show()` (Debian's torch: `generic`, the system libblas). */
  blas: z.string().nullable(),
  /** BLAS libraries mapped into the process (Linux), e.g. OpenBLAS or netlib's reference. */
  blasLibraries: z.array(z.string()),
  /** `openblas`, `mkl`, `blis`, `netlib-reference` (unoptimized) or null when unknown. */
  blasKind: z.string().nullable(),
  /** `CPU capability usage` of `torch.__config__.show()` (AVX2, AVX512). */
  cpuCapability: z.string().nullable(),
  /** The first lines of `torch.__config__.show()`. */
  config: z.array(z.string()),
  /** `sdpa` (torch >= 2.0) or `matmul-softmax` (Hugging Face's eager attention). */
  attention: z.string(),
  /** OMP_WAIT_POLICY of the peer: PASSIVE unless the environment set it (see the script). */
  ompWaitPolicy: z.string(),
});

/** One case for the peer: the model, the step and the timing rule (see the script's docstring). */
export interface PeerRequest {
  id: string;
  /** `lora` for the bench's lora and relora cases: between restarts a ReLoRA step is a LoRA step. */
  mode: 'full' | 'lora';
  model: {
    vocabSize: number;
    hiddenSize: number;
    intermediateSize: number;
    numLayers: number;
    numHeads: number;
    rmsNormEps: number;
    ropeTheta: number;
    tieWordEmbeddings: boolean;
    initializerRange: number;
  };
  rank: number | null;
  loraAlpha: number;
  loraDropout: number;
  /** Rows per step: a workers case's w x batch, so both sides step over the same tokens. */
  batchSize: number;
  seqLen: number;
  /** `torch.set_num_threads` (and OpenBLAS's own pool). */
  threads: number;
  warmupSteps: number;
  warmupSec: number;
  /** Warm-up goes on until this many steps or `warmupSec` (the bench's STEADY_STATE_WARMUP_STEPS). */
  settleSteps: number;
  steps: number;
  seed: number;
  lr: number;
  maxGradNorm: number;
}

/** The peer's answer to one request. */
export const peerReplySchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('result'),
    id: z.string(),
    /** Each timed step, seconds: forward, backward, clipping, AdamW. */
    stepSec: z.array(z.number().positive()).min(1),
    warmupStepsRun: z.number().int().nonnegative(),
    threads: z.number().int().positive(),
    loss: z.object({ first: z.number(), last: z.number() }),
    params: z.object({
      total: z.number().int().nonnegative(),
      trainable: z.number().int().nonnegative(),
    }),
  }),
  z.object({ type: z.literal('error'), id: z.string().nullable(), message: z.string() }),
]);

/** The line of a python without torch (the script then exits). */
export const peerUnavailableSchema = z.object({
  type: z.literal('unavailable'),
  reason: z.string(),
});

export type PeerHello = z.infer<typeof peerHelloSchema>;
export type PeerReply = z.infer<typeof peerReplySchema>;
export type PeerResult = Extract<PeerReply, { type: 'result' }>;
