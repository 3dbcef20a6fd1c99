// A CR-Net model: @relora/llama's decoder whose projections are chained across blocks.
import {
  type CreateLlamaOptions,
  createLlama,
  type LlamaConfig,
  type LlamaConfigInput,
  type LlamaModel,
  resolveLlamaConfig,
} from '@relora/llama';
import { CrNetChain } from './crnet-chain';
import { CrNetDenseLinear, CrNetLowRankLinear } from './crnet-linear';
import { CRNET_TARGETS, type CrNetOptions, resolveCrNetOptions } from './crnet-options';

/** A LLaMA model with CR-Net projections, with the settings that built it. */
export interface CrNetModel extends LlamaModel {
  readonly crnet: CrNetOptions;
}

/** Options of {@link createCrNetLlama}: llama's, less the factory CR-Net sets itself. */
export type CreateCrNetOptions = Omit<CreateLlamaOptions, 'linear'>;

/**
 * Builds a CR-Net model from scratch: embeddings, norms and the LM head as `createLlama` makes
 * them; block 1's q, k, v, o, gate, up and down full-rank (N(0, initializerRange)); in blocks
 * 2..L each of them c·Y_{l-1} + X A B at rank `crnet.rank` (fields default per
 * {@link crnetDefaults}). Every parameter trains. A forward runs the blocks in order, one call at
 * a time per model (the chain is the model's).
 */
export function createCrNetLlama(
  config: LlamaConfigInput,
  crnet: Partial<CrNetOptions> = {},
  options: CreateCrNetOptions = {},
): CrNetModel {
  const resolved: LlamaConfig = resolveLlamaConfig(config);
  const settings = resolveCrNetOptions(resolved, crnet);
  const chain = new CrNetChain(resolved.numLayers, settings.checkpointEvery);
  const model = createLlama(resolved, {
    ...options,
    linear: ({ module, inFeatures, outFeatures }) => {
      const match = CRNET_TARGETS.exec(module);
      if (!match) return undefined;
      const slot = {
        chain,
        kind: match[2] as string,
        block: Number(match[1]),
        inFeatures,
        outFeatures,
        name: module,
        seed: options.seed,
        initialize: options.initialize,
      };
      return slot.block === 0
        ? new CrNetDenseLinear(slot, resolved.initializerRange)
        : new CrNetLowRankLinear(slot, settings);
    },
  });
  const dispose = model.dispose.bind(model);
  return Object.assign(model, {
    crnet: Object.freeze({ ...settings }),
    dispose: () => {
      chain.dispose();
      dispose();
    },
  });
}
