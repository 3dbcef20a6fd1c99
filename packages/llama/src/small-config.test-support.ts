// Small model configs shared by the tests (not exported from the package).
import { llamaPreset } from './presets';

/** Vocabulary of {@link SMALL_CONFIG}. */
export const SMALL_VOCAB = 30;

/** A 2-layer model small enough for many CPU steps in a test. */
export const SMALL_CONFIG = llamaPreset('tiny', {
  vocabSize: SMALL_VOCAB,
  hiddenSize: 32,
  intermediateSize: 48,
  maxSeqLen: 12,
});
