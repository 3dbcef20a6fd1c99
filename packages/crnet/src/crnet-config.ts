// CR-Net's config.json: Hugging Face's Llama fields plus the rank, under model_type "crnet" (ours).
import { fromHfConfig, type HfLlamaConfig, hfConfigJson, type LlamaConfig } from '@relora/llama';
import type { CrNetOptions } from './crnet-options';

/** The settings a checkpoint records; recomputation and the inits are training-time choices. */
export type CrNetCheckpointOptions = Pick<CrNetOptions, 'rank'>;

/**
 * The fields CR-Net adds to a Llama config.json. The official configuration could not be read
 * (methods.md 5), so the names are ours: `model_type: "crnet"`, `architectures:
 * ["CrNetForCausalLM"]`, `rank` (as CoLA's config names it).
 */
export function crnetConfigFields(crnet: CrNetCheckpointOptions): HfLlamaConfig {
  return { architectures: ['CrNetForCausalLM'], model_type: 'crnet', rank: crnet.rank };
}

/** config.json text for a CR-Net model; `extra` (e.g. token ids) joins the fields. */
export function crnetConfigJson(
  config: LlamaConfig,
  crnet: CrNetCheckpointOptions,
  extra: HfLlamaConfig = {},
): string {
  return hfConfigJson(config, { ...extra, ...crnetConfigFields(crnet) });
}

/**
 * Reads a CR-Net config.json: the LLaMA fields as `fromHfConfig` reads them and `rank`. Throws
 * naming a field it cannot honour.
 */
export function fromCrNetConfig(json: HfLlamaConfig): {
  config: LlamaConfig;
  crnet: CrNetCheckpointOptions;
} {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new Error('config.json: expected a JSON object');
  }
  if (json.model_type !== 'crnet') {
    throw new Error(
      `config.json: model_type = ${JSON.stringify(json.model_type)} is not a CR-Net model (expected "crnet")`,
    );
  }
  const { model_type, architectures, rank, ...llama } = json;
  const config = fromHfConfig(llama);
  if (!Number.isSafeInteger(rank) || (rank as number) < 1) {
    throw new Error(`config.json: rank = ${JSON.stringify(rank)} must be a positive integer`);
  }
  return { config, crnet: { rank: rank as number } };
}
