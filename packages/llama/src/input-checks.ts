// Validation of token-id inputs, with errors that say what was expected.
import type * as tf from '@tensorflow/tfjs-core';

/** Throws unless `ids` is int32 [batch >= 1, 1 <= seq <= maxSeqLen]; returns [batch, seq]. */
export function checkTokenIds(
  who: string,
  what: string,
  ids: tf.Tensor,
  maxSeqLen: number,
): [number, number] {
  const [batch, seqLen] = ids.shape;
  if (ids.rank !== 2 || ids.dtype !== 'int32' || batch === undefined || seqLen === undefined) {
    throw new Error(
      `${who}: ${what} must be an int32 tensor [batch, seq], got ${ids.dtype} [${ids.shape.join(', ')}]`,
    );
  }
  if (batch < 1 || seqLen < 1 || seqLen > maxSeqLen) {
    throw new Error(
      `${who}: ${what} [${batch}, ${seqLen}] needs batch >= 1 and 1 <= seq <= maxSeqLen (${maxSeqLen})`,
    );
  }
  return [batch, seqLen];
}

/** Throws unless `ids` is a non-empty list of integers in [0, vocabSize). */
export function checkPromptIds(who: string, ids: number[], vocabSize: number): void {
  if (ids.length === 0) throw new Error(`${who}: promptIds must hold at least one token`);
  for (const id of ids) {
    if (!Number.isInteger(id) || id < 0 || id >= vocabSize) {
      throw new Error(`${who}: token id ${id} is outside [0, ${vocabSize})`);
    }
  }
}
