// Everything a run needs, built and checked before anything is written: backend, tokenizer, data, model, checkpoints.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type BackendInfo, initBackend } from '@relora/backend';
import type { DataLoaders, Tokenizer } from '@relora/data';
import { openDataLoaders, resolveTokenizer, type SourceSpec } from '@relora/data/node';
import {
  fromHfConfig,
  LLAMA_PRESETS,
  type LlamaConfig,
  type LlamaModel,
  type LlamaPresetName,
  llamaPreset,
} from '@relora/llama';
import type { CheckpointState, TrainerOptions } from '@relora/trainer';
import { readCheckpointConfig, readCheckpointState } from '@relora/trainer/node';
import { checkColaRun, createRunModel } from './cola-run';
import { checkModelFits } from './memory-check';
import { UsageError } from './parse-value';
import type { ResolvedConfig } from './resolve-config';
import { autoresumePoint, checkSameModel, type ResumePoint, resumePointAt } from './resume-point';

/** A run ready to start. */
export interface PreparedRun {
  backend: BackendInfo;
  tokenizer: Tokenizer;
  loaders: DataLoaders;
  modelConfig: LlamaConfig;
  trainer: TrainerOptions;
  /** Checkpoint to resume from (its training state checked against this run). */
  resumeFrom?: string;
  /** That checkpoint read and checked whole, and what --autoresume passed over. */
  resume?: ResumePoint;
  /** Warmed-up checkpoint to start LoRA from, its update step and its training state (if any). */
  warmedUp?: { dir: string; step: number; state?: CheckpointState };
  createModel(): LlamaModel;
}

async function guard<T>(flag: string, work: () => Promise<T> | T): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${flag}: ${(error as Error).message.split('\n')[0]}`);
  }
}

function sourceOf(
  dataset: string,
  textField: string,
): SourceSpec | { kind: 'shards'; dir: string } {
  if (dataset === 'brown') return { kind: 'brown' };
  if (!existsSync(dataset))
    throw new Error(
      `${dataset} does not exist (expected 'brown', a .txt file, a directory or a .jsonl file)`,
    );
  if (statSync(dataset).isDirectory() && existsSync(join(dataset, 'index.json')))
    return { kind: 'shards', dir: dataset };
  if (/\.jsonl$/i.test(dataset)) return { kind: 'jsonl', path: dataset, textField };
  return { kind: 'text', path: dataset };
}

function modelConfigOf(spec: string, tokenizer: Tokenizer, maxLength: number): LlamaConfig {
  let config: LlamaConfig;
  if (Object.hasOwn(LLAMA_PRESETS, spec)) {
    const preset = LLAMA_PRESETS[spec as LlamaPresetName];
    config = llamaPreset(spec as LlamaPresetName, {
      vocabSize: tokenizer.vocabSize,
      maxSeqLen: Math.max(preset.maxSeqLen, maxLength),
    });
  } else if (existsSync(spec)) {
    const file = statSync(spec).isDirectory() ? join(spec, 'config.json') : spec;
    config = fromHfConfig(JSON.parse(readFileSync(file, 'utf8')));
  } else {
    throw new Error(
      `'${spec}' is neither a preset (${Object.keys(LLAMA_PRESETS).join(', ')}) nor a config.json file`,
    );
  }
  if (config.vocabSize < tokenizer.vocabSize) {
    throw new Error(
      `vocab_size ${config.vocabSize} is smaller than the tokenizer's ${tokenizer.vocabSize}`,
    );
  }
  if (config.maxSeqLen < maxLength)
    throw new UsageError(
      `--max-length: at most the model's max_position_embeddings (${config.maxSeqLen}), got ${maxLength}`,
    );
  return config;
}

/** Builds and checks everything; throws a {@link UsageError} naming the option or file at fault. */
export async function prepareRun(c: ResolvedConfig): Promise<PreparedRun> {
  const v = c.values;
  const trainer = c.trainer;
  const backend = await guard('--backend', () =>
    initBackend(v.backend === 'auto' ? {} : { prefer: v.backend }),
  );
  const tokenizer = await guard('--tokenizer', () => resolveTokenizer(v.tokenizer));
  const modelConfig = await guard('--model-config', () =>
    modelConfigOf(v.modelConfig, tokenizer, trainer.maxLength),
  );
  if (trainer.mode !== 'full' && trainer.loraR > modelConfig.hiddenSize)
    throw new UsageError(
      `--lora-r: at most the model width (hidden_size ${modelConfig.hiddenSize}), got ${trainer.loraR}`,
    );
  checkColaRun(trainer, modelConfig, v.workers as number);
  const resumeFrom = v.resumeFrom;
  const resume =
    typeof resumeFrom === 'string'
      ? await guard('--resume-from', () => resumePointAt(resumeFrom, modelConfig, trainer))
      : v.autoresume === true
        ? await guard('--autoresume', () => autoresumePoint(c.saveDir, modelConfig, trainer))
        : undefined;
  // A full-rank phase is ahead unless the run resumes in or warms up into the LoRA phase.
  const fullRank =
    trainer.mode === 'full' ||
    (resume
      ? resume.checkpoint.state.phase === 'full'
      : trainer.warmStartSteps > 0 && typeof v.warmedUpModel !== 'string');
  checkModelFits(backend.name, modelConfig, fullRank, v.modelConfig);
  let warmedUp: PreparedRun['warmedUp'];
  if (typeof v.warmedUpModel === 'string') {
    const dir = v.warmedUpModel;
    await guard('--warmed-up-model', () =>
      checkSameModel(dir, readCheckpointConfig(dir), modelConfig),
    );
    // resolveConfig set warmStartSteps to the checkpoint's step
    const state = existsSync(join(dir, 'training_state.json'))
      ? readCheckpointState(dir)
      : undefined;
    warmedUp = {
      dir,
      step: trainer.warmStartSteps,
      ...(state ? { state } : {}),
    };
  }
  const loaders = await guard('--dataset', () =>
    openDataLoaders({
      source: sourceOf(v.dataset, v.textField),
      tokenizer,
      batchSize: trainer.batchSize,
      seqLen: trainer.maxLength,
      seed: trainer.seed,
      validationFraction: v.validationFraction,
    }),
  );
  const validationTokens =
    loaders.validation.batchesPerEpoch * trainer.batchSize * trainer.maxLength;
  // The run evaluates at its end even with --eval-every 0.
  if (validationTokens < trainer.evalTokens) {
    loaders.close();
    throw new UsageError(
      `--eval-tokens: the validation split holds ${validationTokens} tokens in full batches, fewer than ${trainer.evalTokens}; lower it or raise --validation-fraction`,
    );
  }
  return {
    backend,
    tokenizer,
    loaders,
    modelConfig,
    trainer,
    ...(resume ? { resumeFrom: resume.dir, resume } : {}),
    ...(warmedUp ? { warmedUp } : {}),
    createModel: () => createRunModel(modelConfig, trainer),
  };
}
