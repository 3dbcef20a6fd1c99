// Wires trainer events to the run directory's JSON lines and the progress display; the run's header and sample.
import { adapterName, describeSkippedBackends } from '@relora/backend';
import type { Tokenizer } from '@relora/data';
import type { LlamaModel } from '@relora/llama';
import { type Trainer, trainingMethod } from '@relora/trainer';
import type { RunDirectory } from '@relora/trainer/node';
import type { PreparedRun } from './prepare-run';
import type { Progress } from './progress';

/**
 * Logs every step to metrics.jsonl and every evaluation to eval.jsonl (the reference's field
 * names), and shows them. `loggedEvalAt`: the step whose evaluation eval.jsonl already holds (a
 * resume from the final checkpoint evaluates it again), not logged twice.
 */
export function attachRunLog(
  trainer: Trainer,
  dir: RunDirectory,
  progress: Progress,
  loggedEvalAt?: number,
): void {
  trainer.on('step', (e) => {
    dir.appendMetrics({
      update_step: e.updateStep,
      loss: e.loss,
      lr: e.lr,
      tokens_seen: e.tokensSeen,
      throughput_tokens: e.throughputTokens,
      grad_norm: e.gradNorm,
      n_lora_restarts: e.nLoraRestarts,
      n_optimizer_resets: e.nOptimizerResets,
      phase: e.phase,
    });
    progress.step(e);
  });
  trainer.on('eval', (e) => {
    if (e.updateStep !== loggedEvalAt)
      dir.appendEval({
        update_step: e.updateStep,
        eval_loss: e.evalLoss,
        perplexity: e.perplexity,
        eval_tokens: e.evalTokens,
      });
    progress.eval(e);
  });
  trainer.on('restart', (e) => progress.restart(e));
  trainer.on('phase', (e) =>
    progress.note(
      `step ${e.updateStep}: full-rank warm start done, switching to LoRA (${(e.trainableParams / 1e6).toFixed(3)}M of ${(e.totalParams / 1e6).toFixed(3)}M parameters trainable)`,
    ),
  );
  trainer.on('checkpoint', (e) => progress.note(`checkpoint: ${e.path}`));
  trainer.on('stall', (e) =>
    progress.note(
      `warning: step ${e.updateStep}: gradient norm exactly 0 for ${e.steps} steps in a row (loss ${e.loss.toFixed(4)}): the run has diverged and no longer learns; try a lower --lr or --clip-grad-norm 1`,
    ),
  );
}

/** The lines printed before training: what runs where. */
export function describeRun(
  run: PreparedRun,
  trainer: Trainer,
  saveDir: string,
  verbose = false,
): string[] {
  const o = trainer.options;
  const m = run.modelConfig;
  const params = trainer.model
    .namedParameters()
    .filter(([name]) => !name.includes('.lora_'))
    .reduce((n, [, v]) => n + v.size, 0);
  const plan =
    (o.method && trainingMethod(o.method)?.describe?.(o)) ??
    (o.mode === 'full'
      ? 'full-rank training'
      : `${o.warmStartSteps > 0 && !run.warmedUp ? `full-rank warm start for ${o.warmStartSteps} steps, then ` : ''}${o.mode === 'relora' ? `ReLoRA (r=${o.loraR}, merge every ${o.relora} steps, ${Math.max(0, (o.numTrainingSteps - o.warmStartSteps) / (o.relora ?? 1) - 1)} restarts)` : `LoRA (r=${o.loraR}${o.warmStartSteps > 0 || trainer.updateStep > 0 ? '' : ', from scratch: no frozen weights'})`}`);
  const skipped = verbose ? describeSkippedBackends(run.backend) : undefined;
  return [
    `relora-pretrain: ${plan}; ${o.numTrainingSteps} update steps of ${o.totalBatchSize} x ${o.maxLength} tokens (micro-batch ${o.batchSize}), ${o.scheduler} LR peak ${o.lr}`,
    `model: LLaMA ${m.numLayers} layers, d=${m.hiddenSize}, ${m.numHeads} heads, vocab ${m.vocabSize} (${(params / 1e6).toFixed(2)}M parameters); backend ${run.backend.name}${run.backend.adapter ? ` on ${adapterName(run.backend.adapter)}` : ''}`,
    ...(skipped ? [skipped] : []),
    `data: ${run.loaders.train.tokens} training tokens, ${run.loaders.validation.tokens} validation tokens (${run.tokenizer.name} tokenizer)`,
    `${run.resumeFrom ? `resuming from ${run.resumeFrom} at update step ${trainer.updateStep}; ` : ''}${run.warmedUp ? `starting from warmed-up ${run.warmedUp.dir} at update step ${run.warmedUp.step}; ` : ''}writing to ${saveDir}`,
  ];
}

/** A sampled continuation of `prompt` (temperature 0.8, top-k 40, seeded). */
export async function sampleText(
  model: LlamaModel,
  tokenizer: Tokenizer,
  prompt: string,
  tokens: number,
  seed: number,
): Promise<string> {
  const promptIds = tokenizer.encode(prompt);
  const ids = await model.generate(promptIds.length > 0 ? promptIds : [tokenizer.eosId], {
    maxNewTokens: tokens,
    temperature: 0.8,
    topK: 40,
    seed,
  });
  return tokenizer.decode(ids);
}
