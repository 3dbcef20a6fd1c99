// CoLA's config.json: Hugging Face's Llama fields plus the official ColaConfig's rank and only_lr_act.
import { fromHfConfig, type HfLlamaConfig, hfConfigJson, type LlamaConfig } from '@relora/llama';
import type { ColaOptions } from './cola-options';

/** The settings a checkpoint records; `recompute` is a training-time choice and is not stored. */
export type ColaCheckpointOptions = Pick<ColaOptions, 'rank' | 'onlyLrAct'>;

/**
 * The fields the official `ColaConfig` (`cola/configuration_cola.py`) adds to `LlamaConfig`, so
 * its `ColaForCausalLM.from_pretrained` reads our directories.
 */
export function colaConfigFields(cola: ColaCheckpointOptions): HfLlamaConfig {
  return {
    architectures: ['ColaForCausalLM'],
    model_type: 'cola',
    rank: cola.rank,
    only_lr_act: cola.onlyLrAct,
    lr_act_type: 'silu',
  };
}

/** config.json text for a CoLA model; `extra` (e.g. token ids) joins the fields. */
export function colaConfigJson(
  config: LlamaConfig,
  cola: ColaCheckpointOptions,
  extra: HfLlamaConfig = {},
): string {
  return hfConfigJson(config, { ...extra, ...colaConfigFields(cola) });
}

/**
 * Reads a CoLA config.json (ours or the official code's `cola_configs/cola_*.json`): the LLaMA
 * fields as `fromHfConfig` reads them, `rank` (default d / 4 as the official config) and
 * `only_lr_act` (default true as the official config). Throws naming a field it cannot honour.
 */
export function fromColaConfig(json: HfLlamaConfig): {
  config: LlamaConfig;
  cola: ColaCheckpointOptions;
} {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new Error('config.json: expected a JSON object');
  }
  if (json.model_type !== 'cola') {
    throw new Error(
      `config.json: model_type = ${JSON.stringify(json.model_type)} is not a CoLA model (expected "cola")`,
    );
  }
  const act = json.lr_act_type;
  if (act !== undefined && act !== null && act !== 'silu') {
    throw new Error(
      `config.json: lr_act_type = ${JSON.stringify(act)} is not supported (expected "silu")`,
    );
  }
  const { model_type, architectures, rank, only_lr_act, lr_act_type, ...llama } = json;
  const config = fromHfConfig(llama);
  const cola = {
    rank: rank ?? Math.floor(config.hiddenSize / 4),
    onlyLrAct: only_lr_act ?? true,
  };
  if (!Number.isSafeInteger(cola.rank) || (cola.rank as number) < 1) {
    throw new Error(`config.json: rank = ${JSON.stringify(rank)} must be a positive integer`);
  }
  if (typeof cola.onlyLrAct !== 'boolean') {
    throw new Error(`config.json: only_lr_act = ${JSON.stringify(only_lr_act)} must be a boolean`);
  }
  return { config, cola: cola as ColaCheckpointOptions };
}
