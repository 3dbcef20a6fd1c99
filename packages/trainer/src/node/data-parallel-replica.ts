// A worker's copy of the model: takes the main thread's weights and computes its shards' gradients.
import { type BackendName, copyTensorInto, initBackend, tensorFromValues } from '@relora/backend';
import { createLlama, type LlamaConfig, type LlamaModel } from '@relora/llama';
import { applyLoRA, type LoRAHandle } from '@relora/lora';
import * as tf from '@tensorflow/tfjs-core';
import { type SharedArrays, sharedView } from './data-parallel-buffers';
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
  weights: SharedArrays;
  /** The parameters to differentiate, and where in this worker's buffer each gradient goes. */
  grads: SharedArrays;
  shards: ShardSpec[];
}

/** A worker's answer to a {@link ReplicaStep}: its gradients are in the step's `grads` buffer. */
export interface ReplicaResult {
  loss: number;
  /** The parameters whose gradients it wrote (those its shards' losses depend on). */
  written: string[];
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
  async step(message: ReplicaStep): Promise<ReplicaResult> {
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
    const { buffer: weights, layout } = message.weights;
    for (const [name, offset, length] of layout) {
      const variable = params.get(name);
      if (!variable || variable.size !== length) {
        throw new Error(
          `data-parallel worker: parameter ${name} (${length} values) does not match the replica (${variable ? `${variable.size} values` : 'absent'})`,
        );
      }
      const values = sharedView(weights, offset, length);
      tf.tidy(() => variable.assign(tensorFromValues(values, variable.shape)));
    }
    const trainable = message.grads.layout.map(([name]): [string, tf.Variable] => {
      const variable = params.get(name);
      if (!variable) throw new Error(`data-parallel worker: no parameter ${name}`);
      return [name, variable];
    });
    const { loss, grads } = await shardGradients(this.model, trainable, message.shards, this.lora);
    const written: string[] = [];
    try {
      for (const [name, offset, length] of message.grads.layout) {
        const g = grads.get(name);
        if (!g) continue;
        copyTensorInto(g, sharedView(message.grads.buffer, offset, length));
        written.push(name);
      }
    } finally {
      tf.dispose([...grads.values()]);
    }
    return { loss, written };
  }

  dispose(): void {
    this.model.dispose();
  }
}
