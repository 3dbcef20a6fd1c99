// The ReLoRA paper's perplexities (C4, Lialin et al. 2023, Table 2 and the 130M ablation), printed beside ours for shape.
import type { PaperRow } from './configs';

/** Table 2: validation perplexity on C4 at the end of training, by model size. */
export const PAPER_TABLE_2 = [
  { model: '60M', fullRank: 33.81, lora: 47.44, loraWarmStart: 34.73, relora: 34.46 },
  { model: '130M', fullRank: 23.65, lora: 34.17, loraWarmStart: 25.46, relora: 25.04 },
  { model: '250M', fullRank: 22.39, lora: 36.6, loraWarmStart: 22.86, relora: 22.48 },
  { model: '350M', fullRank: 18.66, lora: 57.11, loraWarmStart: 19.73, relora: 19.32 },
  { model: '1.3B', fullRank: 16.83, lora: null, loraWarmStart: 18.23, relora: 17.27 },
] as const;

/**
 * The 130M model's perplexity for each row of our comparison: Table 2, and the ablation (restarts
 * alone; restarts + optimizer reset without the jagged schedule, which diverged; all but the warm
 * start). `null`: diverged.
 */
export const PAPER_130M: Record<Exclude<PaperRow, 'method'>, number | null> = {
  'full-rank': 23.65,
  lora: 34.17,
  'lora-warm-start': 25.46,
  relora: 25.04,
  'restarts-only': 34.25,
  'no-jagged': null,
  'no-warm-start': 29.77,
};
