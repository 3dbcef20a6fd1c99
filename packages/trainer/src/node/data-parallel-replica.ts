// A worker's copy of the model: takes the main thread's weights, computes its shards' gradients, adds them into the threads' sum.
import { type BackendName, initBackend, tensorFromValues } from '@relora/backend';
import { createLlama, type LlamaConfig, type LlamaModel } from '@relora/llama';
import { applyLoRA, type LoRAHandle } from '@relora/lora';
import * as tf from '@tensorflow/tfjs-core';
import { type SharedArrays, sharedView } from './data-parallel-buffers';
import { type GradientLayout, packGradients } from './data-parallel-collective';
import { type ShardSpec, shardGradients } from './data-parallel-shard';
import { type ThreadGroup, ThreadsCommunicator } from './data-parallel-threads-communicator';

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
  /** The parameters to differentiate, and where in the step's vector each gradient goes. */
  layout: GradientLayout;
  /** The process's threads, which sum their vectors there. */
  group: ThreadGroup;
  /** This worker's rank in `group` (the main thread is 0). */
  rank: number;
  /** Its shards; none still takes part in the sum (with zeros). */
  shards: ShardSpec[];
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

  /**
   * Loads the step's weights, computes its shards' gradients and adds them into the group's sum;
   * on failure aborts the group, so the other threads stop waiting for it.
   */
  async step(message: ReplicaStep): Promise<void> {
    const comm = new ThreadsCommunicator(message.group, message.rank);
    try {
      this.loadWeights(message);
      const params = new Map(this.model.namedParameters());
      const trainable = message.layout.grads.map(([name]): [string, tf.Variable] => {
        const variable = params.get(name);
        if (!variable) throw new Error(`data-parallel worker: no parameter ${name}`);
        return [name, variable];
      });
      const { loss, grads } = await shardGradients(
        this.model,
        trainable,
        message.shards,
        this.lora,
      );
      const flat = comm.slot(message.rank, message.layout.length);
      try {
        await packGradients(message.layout, grads, loss, flat);
      } finally {
        tf.dispose([...grads.values()]);
      }
      await comm.allReduceSum(flat);
    } catch (error) {
      comm.abort();
      throw error;
    }
  }

  /** Wraps the replica with the step's LoRA settings (if changed) and assigns the step's weights. */
  private loadWeights(message: ReplicaStep): void {
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
  }

  dispose(): void {
    this.model.dispose();
  }
}
