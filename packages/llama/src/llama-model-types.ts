// The public shape of a LLaMA model and the options of its factory and loss.

import type { ApplyOptions, Linear, LinearHost } from '@relora/core';
import type * as tf from '@tensorflow/tfjs-core';
import type { LlamaConfig } from './config';
import type { GenerateOptions } from './generate';
import type { MlpGateActivation } from './mlp';

/** Options of `createLlama`. */
export interface CreateLlamaOptions {
  /** Seed of the weight init; undefined draws from Math.random. */
  seed?: number;
  /** false skips the random init (weights 0, norms 1): cheaper when a checkpoint overwrites them. Default true. */
  initialize?: boolean;
  /**
   * Builds the layer of a projection slot in place of the dense kernel (e.g. a factored layer of
   * another parametrisation); returning undefined keeps the dense kernel. The layer must map
   * `inFeatures` -> `outFeatures`; the model owns and disposes it.
   */
  linear?: (slot: LinearSlot) => Linear | undefined;
  /**
   * The activation of the MLP's gate branch: 'silu' is SwiGLU, down(silu(gate(x)) * up(x));
   * 'identity' gives down(gate(x) * up(x)), for projections that carry their own non-linearity
   * (CoLA's `only_lr_act`). Default 'silu'.
   */
  mlpGateActivation?: MlpGateActivation;
}

/** A projection slot as {@link CreateLlamaOptions.linear} sees it. */
export interface LinearSlot {
  /** Hugging Face module name, e.g. `model.layers.0.self_attn.q_proj` or `lm_head`. */
  module: string;
  inFeatures: number;
  outFeatures: number;
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
