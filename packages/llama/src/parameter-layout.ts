// The model's parameters in Hugging Face LlamaForCausalLM's state-dict order, with in-memory shapes.
import type { LlamaConfig } from './config';

/** One parameter of a freshly built model. */
export type ParameterEntry =
  | { kind: 'embedding' | 'norm'; name: string; shape: number[] }
  /** A projection's weight: owned by the slot `module`; shape is tfjs' [in, out] (HF stores [out, in]). */
  | { kind: 'linear'; name: string; module: string; shape: [number, number] };

/** Every parameter of a plain model with `config`, in HF order (the order `namedParameters` keeps). */
export function llamaParameterLayout(config: LlamaConfig): ParameterEntry[] {
  const { vocabSize: v, hiddenSize: d, intermediateSize: m } = config;
  const linear = (module: string, inF: number, outF: number): ParameterEntry => ({
    kind: 'linear',
    name: `${module}.weight`,
    module,
    shape: [inF, outF],
  });
  const entries: ParameterEntry[] = [
    { kind: 'embedding', name: 'model.embed_tokens.weight', shape: [v, d] },
  ];
  for (let i = 0; i < config.numLayers; i++) {
    const p = `model.layers.${i}`;
    entries.push(
      linear(`${p}.self_attn.q_proj`, d, d),
      linear(`${p}.self_attn.k_proj`, d, d),
      linear(`${p}.self_attn.v_proj`, d, d),
      linear(`${p}.self_attn.o_proj`, d, d),
      linear(`${p}.mlp.gate_proj`, d, m),
      linear(`${p}.mlp.up_proj`, d, m),
      linear(`${p}.mlp.down_proj`, m, d),
      { kind: 'norm', name: `${p}.input_layernorm.weight`, shape: [d] },
      { kind: 'norm', name: `${p}.post_attention_layernorm.weight`, shape: [d] },
    );
  }
  entries.push({ kind: 'norm', name: 'model.norm.weight', shape: [d] });
  if (!config.tieWordEmbeddings) entries.push(linear('lm_head', d, v));
  return entries;
}
