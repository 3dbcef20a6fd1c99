// A worker's copy of the model: takes the main thread's weights and computes its shards' gradients.
import { type BackendName, initBackend } from '@relora/backend';
import { createLlama, type LlamaConfig, type LlamaModel } from '@relora/llama';
import { applyLoRA, type LoRAHandle } from '@relora/lora';
import * as tf from '@tensorflow/tfjs-core';
import { type ShardSpec, shardGradients } from './data-parallel-shard';

/** How the main thread wrapped its model with LoRA (the replica wraps its own the same way). */
export interface ReplicaLoRA {
  rank: number;
  alpha: number;
  dropout: number;
  trainableScaling: boolean;
  loraOnly: boolean;
  seed: number;
}

/** First message to a worker. */
export interface ReplicaInit {
  type: 'init';
  modelConfig: LlamaConfig;
  backend: BackendName;
}

/** One step's work for a worker. */
export interface ReplicaStep {
  type: 'step';
  /** Set once the main thread is in the LoRA phase. */
  lora: ReplicaLoRA | null;
  /** Every parameter's current value by name (trainable and frozen: merges change the frozen ones). */
  weights: Array<[string, Float32Array]>;
  /** Names of the parameters to differentiate. */
  trainable: string[];
  shards: ShardSpec[];
}

/** A worker's answer to a {@link ReplicaStep}. */
export interface ReplicaResult {
  loss: number;
  grads: Array<[string, Float32Array]>;
}

/** The model replica a worker owns. */
export class Replica {
  private lora?: LoRAHandle;
  private loraKey = 'null';
  private model: LlamaModel;

  private constructor(private readonly init: ReplicaInit) {
    this.model = Replica.build(init);
  }

  // Weights come from the main thread before every step: no need to draw an init.
  private static build(init: ReplicaInit): LlamaModel {
    return createLlama(init.modelConfig, { seed: 0, initialize: false });
  }

  /** Initialises the backend (one wasm thread per worker) and builds the model. */
  static async create(init: ReplicaInit): Promise<Replica> {
    await initBackend({ prefer: init.backend });
    return new Replica(init);
  }

  /** Loads the step's weights, computes its shards and returns gradients as plain arrays. */
  step(message: ReplicaStep): ReplicaResult {
    const loraKey = JSON.stringify(message.lora);
    if (loraKey !== this.loraKey) {
      // Another phase or another trainer than last step's: start from a plain model again.
      if (this.lora) {
        this.model.dispose();
        this.model = Replica.build(this.init);
        this.lora = undefined;
      }
      if (message.lora) this.lora = applyLoRA(this.model, { ...message.lora });
      this.loraKey = loraKey;
    }
    const params = new Map(this.model.namedParameters());
    for (const [name, data] of message.weights) {
      const variable = params.get(name);
      if (!variable || variable.size !== data.length) {
        throw new Error(
          `data-parallel worker: parameter ${name} (${data.length} values) does not match the replica (${variable ? `${variable.size} values` : 'absent'})`,
        );
      }
      tf.tidy(() => variable.assign(tf.tensor(data, variable.shape, 'float32')));
    }
    const trainable = message.trainable.map((name): [string, tf.Variable] => {
      const variable = params.get(name);
      if (!variable) throw new Error(`data-parallel worker: no parameter ${name}`);
      return [name, variable];
    });
    const { loss, grads } = shardGradients(this.model, trainable, message.shards, this.lora);
    const out: Array<[string, Float32Array]> = [];
    for (const [name, g] of grads) {
      const data = g.dataSync() as Float32Array;
      // Sent as a transferable: it must own its whole buffer (not a view into a backend's memory).
      out.push([name, data.byteLength === data.buffer.byteLength ? data : data.slice()]);
    }
    tf.dispose([...grads.values()]);
    return { loss, grads: out };
  }

  dispose(): void {
    this.model.dispose();
  }
}
