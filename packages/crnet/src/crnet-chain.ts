// The cross-layer state of one CR-Net model: the previous block's output of every projection type.
import type * as tf from '@tensorflow/tfjs-core';

interface Held {
  block: number;
  y: tf.Tensor2D;
}

/**
 * What one forward (and, with recomputation, one backward) passes from block to block, per
 * projection type (`self_attn.q_proj`, ..., `mlp.down_proj`). The forward holds Y_l of the block
 * just run, kept out of the callers' tidy scopes, until block l + 1 consumes it; the recomputing
 * backward holds the Y_{l-1} it rebuilt until block l − 1's gradient consumes it. Every tensor
 * handed in is owned by the chain; a stale one (a forward or backward that stopped half-way) is
 * freed when the next one reaches its block.
 */
export class CrNetChain {
  private readonly forwardHeld = new Map<string, Held>();
  private readonly backwardHeld = new Map<string, Held>();

  /**
   * @param numLayers L, blocks of the model.
   * @param checkpointEvery k of {@link CrNetOptions.checkpointEvery}.
   */
  constructor(
    readonly numLayers: number,
    readonly checkpointEvery: number,
  ) {}

  /** Whether the recomputing backward keeps Y of `block` (0-based): L − 1, L − 1 − k, ... */
  isCheckpoint(block: number): boolean {
    return (this.numLayers - 1 - block) % this.checkpointEvery === 0;
  }

  /** Hands Y of `block` (a kept tensor) to the next block's `takeForward`. */
  putForward(kind: string, block: number, y: tf.Tensor2D): void {
    put(this.forwardHeld, kind, { block, y });
  }

  /** Y_{block-1} of `kind`, now owned by the caller (who disposes it). */
  takeForward(kind: string, block: number): tf.Tensor2D {
    return take(this.forwardHeld, kind, block - 1, 'forward');
  }

  /** Hands a rebuilt Y of `block` (a kept tensor) to that block's gradient. */
  putBackward(kind: string, block: number, y: tf.Tensor2D): void {
    put(this.backwardHeld, kind, { block, y });
  }

  /** The rebuilt Y of `block` of `kind`, now owned by the caller. */
  takeBackward(kind: string, block: number): tf.Tensor2D {
    return take(this.backwardHeld, kind, block, 'backward');
  }

  /** Frees whatever is held (a pass that stopped half-way). */
  dispose(): void {
    for (const held of [...this.forwardHeld.values(), ...this.backwardHeld.values()]) {
      held.y.dispose();
    }
    this.forwardHeld.clear();
    this.backwardHeld.clear();
  }
}

function put(map: Map<string, Held>, kind: string, held: Held): void {
  map.get(kind)?.y.dispose();
  map.set(kind, held);
}

function take(map: Map<string, Held>, kind: string, block: number, pass: string): tf.Tensor2D {
  const held = map.get(kind);
  if (!held || held.block !== block) {
    throw new Error(
      `CR-Net ${pass}: ${kind} needs the output of block ${block}, which this pass has not produced (blocks run in order, the whole model in one call)`,
    );
  }
  map.delete(kind);
  return held.y;
}
