// The LLaMA decoder: embeddings, pre-norm attention and SwiGLU blocks, final norm and LM head.

import type { ApplyOptions, DenseLinear, Linear } from '@relora/core';
import * as tf from '@tensorflow/tfjs-core';
import { selfAttention } from './attention';
import { headDim, type LlamaConfig, type LlamaConfigInput, resolveLlamaConfig } from './config';
import { crossEntropy } from './cross-entropy';
import { type DecodeState, decodeTokens, type GenerateOptions } from './generate';
import { checkTokenIds } from './input-checks';
import { kernelLinear } from './kernel-linear';
import type { CreateLlamaOptions, LlamaModel, LossOptions } from './llama-model-types';
import { type MlpGateActivation, swiGluMlp } from './mlp';
import { llamaParameterLayout } from './parameter-layout';
import { rmsNorm } from './rms-norm';
import { normalInit } from './seeded-init';
import { SequenceCache, type SequenceTables } from './sequence-cache';

class Llama implements LlamaModel {
  /** Embeddings and norms by HF name; projections live in `slots`. */
  private readonly own = new Map<string, tf.Variable>();
  private readonly slots = new Map<string, Linear>();
  private readonly cache: SequenceCache;
  private readonly mlpGateActivation: MlpGateActivation;

  constructor(
    readonly config: LlamaConfig,
    { seed, initialize = true, linear, mlpGateActivation = 'silu' }: CreateLlamaOptions,
  ) {
    this.mlpGateActivation = mlpGateActivation;
    for (const entry of llamaParameterLayout(config)) {
      if (entry.kind === 'linear' && linear) {
        const [inFeatures, outFeatures] = entry.shape;
        const layer = linear({ module: entry.module, inFeatures, outFeatures });
        if (layer) {
          if (layer.inFeatures !== inFeatures || layer.outFeatures !== outFeatures) {
            for (const built of [layer, ...this.slots.values(), ...this.own.values()]) {
              built.dispose();
            }
            throw new Error(
              `createLlama: options.linear built a ${layer.inFeatures} -> ${layer.outFeatures} layer for '${entry.module}', which maps ${inFeatures} -> ${outFeatures}`,
            );
          }
          this.slots.set(entry.module, layer);
          continue;
        }
      }
      const weight = tf.tidy(() =>
        tf.variable(
          entry.kind === 'norm'
            ? tf.ones(entry.shape)
            : initialize
              ? normalInit(entry.shape, config.initializerRange, seed, entry.name)
              : tf.zeros(entry.shape),
        ),
      );
      if (entry.kind === 'linear') this.slots.set(entry.module, kernelLinear(weight));
      else this.own.set(entry.name, weight);
    }
    this.cache = new SequenceCache(headDim(config), config.ropeTheta);
  }

  forward(inputIds: tf.Tensor2D, options?: ApplyOptions): tf.Tensor3D {
    const [batch, seqLen] = checkTokenIds('forward', 'inputIds', inputIds, this.config.maxSeqLen);
    return tf.tidy(() => {
      const logits = this.head(this.hidden(inputIds, options), options);
      return tf.reshape(logits, [batch, seqLen, this.config.vocabSize]) as tf.Tensor3D;
    });
  }

  loss(inputIds: tf.Tensor2D, targets: tf.Tensor2D, options: LossOptions = {}): tf.Scalar {
    checkTokenIds('loss', 'inputIds', inputIds, this.config.maxSeqLen);
    if (
      targets.rank !== 2 ||
      targets.dtype !== 'int32' ||
      !tf.util.arraysEqual(targets.shape, inputIds.shape)
    ) {
      throw new Error(
        `loss: targets must be int32 [${inputIds.shape.join(', ')}] like inputIds, got ${targets.dtype} [${targets.shape.join(', ')}]`,
      );
    }
    return tf.tidy(() => {
      const logits = this.head(this.hidden(inputIds, options), options);
      return crossEntropy(
        logits,
        tf.reshape(targets, [-1]) as tf.Tensor1D,
        options.ignoreIndex ?? -100,
      );
    });
  }

  generate(promptIds: number[], options: GenerateOptions = {}): Promise<number[]> {
    return decodeTokens(promptIds, options, this.config, (fresh, decode) =>
      tf.tidy(() => {
        const ids = tf.tensor2d([fresh], [1, fresh.length], 'int32');
        const hidden = this.hidden(ids, undefined, decode);
        return this.head(tf.slice(hidden, [fresh.length - 1, 0], [1, -1]));
      }),
    );
  }

  namedLinears(): Array<[string, DenseLinear]> {
    // Every slot is listed, whatever was swapped in: a LoRA layer keeps `kernel` except with loraOnly.
    return [...this.slots].map(([name, layer]) => [name, layer as DenseLinear]);
  }

  getLinear(name: string): Linear {
    const layer = this.slots.get(name);
    if (!layer)
      throw new Error(
        `getLinear: no linear '${name}' (known: ${[...this.slots.keys()].join(', ')})`,
      );
    return layer;
  }

  setLinear(name: string, layer: Linear): void {
    const current = this.getLinear(name);
    if (layer.inFeatures !== current.inFeatures || layer.outFeatures !== current.outFeatures) {
      throw new Error(
        `setLinear: '${name}' maps ${current.inFeatures} -> ${current.outFeatures} features, the new layer ${layer.inFeatures} -> ${layer.outFeatures}`,
      );
    }
    // The previous layer is not disposed: a wrapper (LoRA) usually keeps its kernel.
    this.slots.set(name, layer);
  }

  namedParameters(): Array<[string, tf.Variable]> {
    const result: Array<[string, tf.Variable]> = [];
    for (const entry of llamaParameterLayout(this.config)) {
      if (entry.kind === 'linear') {
        // A slot's variables may have changed (a LoRA layer adds lora_A, lora_B, ...).
        for (const [suffix, v] of this.getLinear(entry.module).namedVariables()) {
          result.push([`${entry.module}.${suffix}`, v]);
        }
      } else {
        result.push([entry.name, this.ownVariable(entry.name)]);
      }
    }
    return result;
  }

  trainableVariables(): tf.Variable[] {
    return this.namedParameters()
      .map(([, v]) => v)
      .filter((v) => v.trainable);
  }

  dispose(): void {
    for (const layer of this.slots.values()) layer.dispose();
    for (const v of this.own.values()) v.dispose();
    this.cache.dispose();
  }

  /** Final-normed hidden states [B*T, d]. */
  private hidden(inputIds: tf.Tensor2D, options?: ApplyOptions, decode?: DecodeState): tf.Tensor2D {
    const [batch, seqLen] = inputIds.shape;
    const { numHeads, rmsNormEps: eps } = this.config;
    const tables = decode ? this.decodeTables(decode.offset, seqLen) : this.cache.get(seqLen);
    const shape = { batch, seqLen, numHeads, headDim: headDim(this.config) };
    let h = tf.gather(
      this.ownVariable('model.embed_tokens.weight'),
      tf.reshape(inputIds, [-1]),
    ) as tf.Tensor2D;
    for (let i = 0; i < this.config.numLayers; i++) {
      const p = `model.layers.${i}`;
      const slot = (name: string) => this.getLinear(`${p}.${name}`);
      const norm = (x: tf.Tensor2D, name: string) =>
        rmsNorm(x, this.ownVariable(`${p}.${name}.weight`), eps) as tf.Tensor2D;
      const attention = {
        q: slot('self_attn.q_proj'),
        k: slot('self_attn.k_proj'),
        v: slot('self_attn.v_proj'),
        o: slot('self_attn.o_proj'),
      };
      h = tf.add(
        h,
        selfAttention(
          norm(h, 'input_layernorm'),
          attention,
          shape,
          tables,
          options,
          decode?.caches[i],
        ),
      );
      const mlp = {
        gate: slot('mlp.gate_proj'),
        up: slot('mlp.up_proj'),
        down: slot('mlp.down_proj'),
      };
      h = tf.add(
        h,
        swiGluMlp(norm(h, 'post_attention_layernorm'), mlp, options, this.mlpGateActivation),
      );
    }
    return rmsNorm(h, this.ownVariable('model.norm.weight'), eps) as tf.Tensor2D;
  }

  /** Tables for positions offset..offset+T-1 attending to 0..offset+T-1, cut from the full-length ones. */
  private decodeTables(offset: number, seqLen: number): SequenceTables {
    const full = this.cache.get(this.config.maxSeqLen);
    const rows = <T extends tf.Tensor3D>(t: T) => tf.slice(t, [offset, 0, 0], [seqLen, -1, -1]);
    return {
      mask: tf.slice(full.mask, [offset, 0], [seqLen, offset + seqLen]),
      query: { cos: rows(full.query.cos), sinSigned: rows(full.query.sinSigned) },
      key: { cos: rows(full.key.cos), sinSigned: rows(full.key.sinSigned) },
    };
  }

  /** h [N, d] -> logits [N, V]. */
  private head(h: tf.Tensor2D, options?: ApplyOptions): tf.Tensor2D {
    if (this.config.tieWordEmbeddings) {
      return tf.matMul(
        h,
        this.ownVariable('model.embed_tokens.weight') as tf.Tensor2D,
        false,
        true,
      );
    }
    return this.getLinear('lm_head').apply(h, options) as tf.Tensor2D;
  }

  private ownVariable(name: string): tf.Variable {
    const v = this.own.get(name);
    if (!v) throw new Error(`internal: no parameter '${name}'`);
    return v;
  }
}

/**
 * Builds a model with HF's init: embeddings and linear weights normal(0, initializerRange),
 * norm weights 1. `config` is validated and completed with {@link LLAMA_CONFIG_DEFAULTS}.
 */
export function createLlama(
  config: LlamaConfigInput,
  options: CreateLlamaOptions = {},
): LlamaModel {
  return new Llama(resolveLlamaConfig(config), options);
}
