// Parameter counts of a model: total, trainable, and by group (embeddings, attention, MLP, norms, head).

/** A group of parameters, decided from the Hugging Face name. */
export type ParameterGroup = 'embeddings' | 'attention' | 'mlp' | 'norms' | 'head' | 'other';

/** Element counts (not bytes). */
export interface ModelParameterCounts {
  total: number;
  trainable: number;
  /** Every group, with total and trainable elements; a tied head counts under embeddings only. */
  byGroup: Record<ParameterGroup, { total: number; trainable: number }>;
}

/** The group a Hugging Face parameter name belongs to. */
export function parameterGroup(name: string): ParameterGroup {
  if (name.startsWith('model.embed_tokens.')) return 'embeddings';
  if (name.includes('.self_attn.')) return 'attention';
  if (name.includes('.mlp.')) return 'mlp';
  if (name.endsWith('layernorm.weight') || name === 'model.norm.weight') return 'norms';
  if (name.startsWith('lm_head.')) return 'head';
  return 'other';
}

/** What {@link countParameters} reads: a model or anything listing named variables. */
export interface HasNamedParameters {
  namedParameters(): Array<[string, { size: number; trainable: boolean }]>;
}

/** Counts a model's parameters; a variable listed twice (shared) counts once. */
export function countParameters(model: HasNamedParameters): ModelParameterCounts {
  const groups: ParameterGroup[] = ['embeddings', 'attention', 'mlp', 'norms', 'head', 'other'];
  const byGroup = Object.fromEntries(
    groups.map((g) => [g, { total: 0, trainable: 0 }]),
  ) as ModelParameterCounts['byGroup'];
  const seen = new Set<object>();
  let total = 0;
  let trainable = 0;
  for (const [name, v] of model.namedParameters()) {
    if (seen.has(v)) continue;
    seen.add(v);
    const group = byGroup[parameterGroup(name)];
    group.total += v.size;
    total += v.size;
    if (v.trainable) {
      group.trainable += v.size;
      trainable += v.size;
    }
  }
  return { total, trainable, byGroup };
}
