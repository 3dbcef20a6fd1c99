// What a quality comparison runs: the knobs it varies between configurations, with the demo's values.

/** Options of {@link runQuality}. */
export interface QualityOptions {
  /** Update steps of every run, warm start included (equal steps and tokens for all). */
  steps: number;
  /** Full-rank steps before the LoRA phase of the warm-started configurations. */
  warmStartSteps: number;
  /** ReLoRA merge-and-reset period in update steps. */
  relora: number;
  /** Peak LR of the LoRA phase (LoRA, ReLoRA). */
  lr: number;
  /** Peak LR of full-rank training: the warm start and the full-rank baseline. */
  warmStartLr: number;
  /** Seeds; each configuration runs once per seed. */
  seeds: number[];
  /** Configuration ids to run (see `QUALITY_CONFIGS`); default: all. */
  configs: string[] | null;
  /** Evaluate every this many update steps. */
  evalEvery: number;
  /** Validation tokens per evaluation. */
  evalTokens: number;
  /** relora-pretrain's --model-config, --dataset, --tokenizer and --backend. */
  modelConfig: string;
  dataset: string;
  tokenizer: string;
  backend: string;
  /** Runs at the same time, each its own process (one per core is fastest on CPU). */
  jobs: number;
  /**
   * Also train each configuration at full rank's training FLOPs (equal compute), where its FLOPs
   * at equal steps differ from full rank's by more than 2%.
   */
  equalCompute: boolean;
  /** More relora-pretrain flags for every run (before each configuration's own). */
  pretrainArgs: string[];
  /** Output folder: results.json, results.md, perplexity.svg. */
  out: string;
  /** Replace the results of an earlier comparison in `out`. */
  overwrite: boolean;
}

/**
 * The defaults: the demo run of relora-pretrain (its defaults; a test keeps them equal), three
 * seeds' worth of time on two cores being too much for the 15-minute budget, one seed.
 */
export const QUALITY_DEFAULTS: QualityOptions = {
  steps: 500,
  warmStartSteps: 125,
  relora: 125,
  lr: 3e-3,
  warmStartLr: 1e-3,
  seeds: [0],
  configs: null,
  evalEvery: 50,
  evalTokens: 8192,
  modelConfig: 'demo',
  dataset: 'brown',
  tokenizer: 'byte',
  backend: 'auto',
  jobs: 2,
  equalCompute: false,
  pretrainArgs: [],
  out: 'quality-results',
  overwrite: false,
};
