// The public shape of a LLaMA model and the options of its factory and loss.

import type { ApplyOptions, Linear, LinearHost } from '@relora/core';
import type * as tf from '@tensorflow/tfjs-core';
import type { LlamaConfig } from './config';
import type { GenerateOptions } from './generate';

/** Options of `createLlama`. */
export interface CreateLlamaOptions {
  /** Seed of the weight init; undefined draws from Math.random. */
  seed?: number;
  /** false skips the random init (weights 0, norms 1): cheaper when a checkpoint overwrites them. Default true. */
  initialize?: boolean;
}

/** Options of {@link LlamaModel.loss}. */
export interface LossOptions extends ApplyOptions {
  /** Targets equal to this are skipped (HF's -100). Default -100. */
  ignoreIndex?: number;
}

/** A LLaMA-style causal language model whose projections can be swapped (e.g. for LoRA layers). */
export interface LlamaModel extends LinearHost {
  readonly config: LlamaConfig;
  /** inputIds [B, T] int32, T <= maxSeqLen -> logits [B, T, V]. */
  forward(inputIds: tf.Tensor2D, options?: ApplyOptions): tf.Tensor3D;
  /** Mean next-token cross-entropy (nats) of logits(inputIds) [B, T, V] against targets [B, T] int32. */
  loss(inputIds: tf.Tensor2D, targets: tf.Tensor2D, options?: LossOptions): tf.Scalar;
  /** Continues a prompt (token ids) by sampling, with a key/value cache; resolves to prompt + new tokens. */
  generate(promptIds: number[], options?: GenerateOptions): Promise<number[]>;
  /** The layer in slot `name` (a module name as in {@link LinearHost.namedLinears}); throws if there is none. */
  getLinear(name: string): Linear;
  /** Every parameter by Hugging Face name, in HF's state-dict order; linear weights are [in, out]. */
  namedParameters(): Array<[string, tf.Variable]>;
  /** Parameters with `trainable` set. */
  trainableVariables(): tf.Variable[];
  /** Frees every variable and cached table; the model is unusable afterwards. */
  dispose(): void;
}
