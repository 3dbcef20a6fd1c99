// One ReLoRA training run in the page: Brown text -> byte tokens -> tiny LLaMA -> Trainer, one step per frame.
import { createByteTokenizer, createLoaders, type Tokenizer, tokenizeTexts } from '@relora/data';
import { createLlama, type LlamaModel, llamaPreset } from '@relora/llama';
import { learningRateAt, resolveTrainerOptions, type StepEvent, Trainer } from '@relora/trainer';
import { type DemoConfig, trainerOptions } from './demo-config';

/** The sample's prompt and sampler: relora-pretrain's end-of-run sample, shorter. */
const SAMPLE_PROMPT = 'The ';
const SAMPLING = { temperature: 0.8, topK: 40 } as const;

/** What the page shows while training. */
export interface SessionCallbacks {
  onStep(event: StepEvent): void;
  /** A merge-and-reinit happened after update step `updateStep`. */
  onRestart(updateStep: number): void;
  /** The switch from the full-rank warm start to ReLoRA. */
  onPhase(updateStep: number): void;
}

/** A model and trainer over the bundled Brown slice; `run` trains until done or `stop`. */
export class TrainingSession {
  readonly trainer: Trainer;
  readonly model: LlamaModel;
  /** Learning rate of every update step, for plotting the schedule before training. */
  readonly schedule: number[];
  private readonly tokenizer: Tokenizer = createByteTokenizer();
  private stopRequested = false;

  constructor(
    texts: string[],
    readonly config: DemoConfig,
  ) {
    const { tokenizer } = this;
    const options = resolveTrainerOptions(trainerOptions(config));
    const loaders = createLoaders(tokenizeTexts(texts, tokenizer), {
      batchSize: config.batch,
      seqLen: config.seqLen,
      seed: config.seed,
    });
    const shape = llamaPreset('tiny', { vocabSize: tokenizer.vocabSize, maxSeqLen: config.seqLen });
    this.model = createLlama(shape, { seed: config.seed });
    this.trainer = new Trainer({ model: this.model, train: loaders.train, options });
    const lrAt = learningRateAt(options);
    this.schedule = Array.from({ length: options.numTrainingSteps }, (_, step) => lrAt(step));
  }

  get finished(): boolean {
    return this.trainer.updateStep >= this.trainer.options.numTrainingSteps;
  }

  /** Trains step by step, yielding to the page between steps so it repaints and hears Stop. */
  async run(callbacks: SessionCallbacks): Promise<void> {
    this.stopRequested = false;
    const { trainer } = this;
    const off = [
      trainer.on('step', callbacks.onStep),
      trainer.on('restart', (e) => e.merged && callbacks.onRestart(e.updateStep)),
      trainer.on('phase', (e) => callbacks.onPhase(e.updateStep)),
    ];
    try {
      while (!this.finished && !this.stopRequested) {
        if (!trainer.lora && trainer.updateStep >= trainer.options.warmStartSteps)
          trainer.enterLoRA(true);
        await trainer.step();
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
    } finally {
      for (const unsubscribe of off) unsubscribe();
    }
  }

  /** A seeded continuation of {@link SAMPLE_PROMPT} by the model as trained so far. */
  async sample(): Promise<string> {
    const prompt = this.tokenizer.encode(SAMPLE_PROMPT);
    const ids = await this.model.generate(prompt, {
      ...SAMPLING,
      maxNewTokens: this.config.sampleTokens,
      seed: this.config.seed,
    });
    return this.tokenizer.decode(ids);
  }

  /** Asks `run` to return after the current step. */
  stop(): void {
    this.stopRequested = true;
  }

  dispose(): void {
    this.trainer.optimizer.dispose();
    this.model.dispose();
  }
}
