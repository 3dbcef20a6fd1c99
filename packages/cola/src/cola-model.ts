// A CoLA model: @relora/llama's decoder with every attention and MLP projection a ColaLinear.
import {
  type CreateLlamaOptions,
  createLlama,
  type LlamaConfig,
  type LlamaConfigInput,
  type LlamaModel,
  resolveLlamaConfig,
} from '@relora/llama';
import { colaLinear } from './cola-linear';
import { COLA_TARGETS, type ColaOptions, resolveColaOptions } from './cola-options';

/** A LLaMA model whose targeted projections are CoLA layers, with the settings that built it. */
export interface ColaModel extends LlamaModel {
  readonly cola: ColaOptions;
}

/** Options of {@link createColaLlama}: llama's, less the two that CoLA sets itself. */
export type CreateColaOptions = Omit<CreateLlamaOptions, 'linear' | 'mlpGateActivation'>;

/**
 * Builds a CoLA model from scratch: embeddings, norms and the LM head as `createLlama` makes
 * them (N(0, initializerRange), ones), q, k, v, o, gate, up and down as {@link colaLinear} with
 * the official init. `cola` fields default per {@link colaDefaults}. Every parameter trains.
 */
export function createColaLlama(
  config: LlamaConfigInput,
  cola: Partial<ColaOptions> = {},
  options: CreateColaOptions = {},
): ColaModel {
  const resolved: LlamaConfig = resolveLlamaConfig(config);
  const settings = resolveColaOptions(resolved, cola);
  const model = createLlama(resolved, {
    ...options,
    mlpGateActivation: settings.onlyLrAct ? 'identity' : 'silu',
    linear: ({ module, inFeatures, outFeatures }) =>
      COLA_TARGETS.test(module)
        ? colaLinear({
            inFeatures,
            outFeatures,
            rank: settings.rank,
            recompute: settings.recompute,
            seed: options.seed,
            name: module,
            initialize: options.initialize,
          })
        : undefined,
  });
  return Object.assign(model, { cola: Object.freeze({ ...settings }) });
}
