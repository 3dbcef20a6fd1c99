// What a package's Python reference script (Hugging Face, CoLA, CR-Net) recorded for a small
// checkpoint, and our model's distance from it: one reader for every PyTorch fixture test.
import { readFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs-core';
import { maxAbsDiff } from './index';

/** Inputs and the float64 outputs the script recorded (logits flattened [B, T, V]). */
export interface ReferenceOutputs {
  inputIds: number[][];
  targets: number[][];
  loss: number;
  logits: number[];
}

/** A model as these tests use it: any LLaMA variant's forward and loss. */
export interface ReferenceModel {
  forward(ids: tf.Tensor2D): tf.Tensor;
  loss(ids: tf.Tensor2D, targets: tf.Tensor2D): tf.Tensor;
}

/** Reads a reference JSON file. */
export async function readReferenceOutputs(path: string): Promise<ReferenceOutputs> {
  return JSON.parse(await readFile(path, 'utf8')) as ReferenceOutputs;
}

/** Runs `model` on the reference's inputs: the largest logit difference and our loss. */
export async function compareWithReference(
  model: ReferenceModel,
  reference: ReferenceOutputs,
): Promise<{ maxLogitDiff: number; loss: number }> {
  const ids = tf.tensor2d(reference.inputIds, undefined, 'int32');
  const targets = tf.tensor2d(reference.targets, undefined, 'int32');
  const logits = model.forward(ids);
  const loss = model.loss(ids, targets);
  try {
    return {
      maxLogitDiff: maxAbsDiff(await logits.data(), reference.logits),
      loss: (await loss.data())[0] as number,
    };
  } finally {
    tf.dispose([ids, targets, logits, loss]);
  }
}
