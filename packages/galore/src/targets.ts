// Which parameters GaLore projects: the 2D weights of attention and MLP (torchrun_main.py's `attn`/`mlp` filter).

/** Substrings of a module name that make its 2D weight a GaLore target (the official configs'). */
export const GALORE_TARGET_MODULES = ['attn', 'mlp'] as const;

/**
 * Whether the parameter named `name` (Hugging Face style, e.g. `model.layers.0.self_attn.q_proj.weight`)
 * of `shape` is projected: a 2D weight of a module whose name contains `attn` or `mlp`. Embeddings,
 * norms and the LM head train with plain AdamW, as in the reference.
 */
export function isGaLoreTarget(name: string, shape: readonly number[]): boolean {
  return shape.length === 2 && GALORE_TARGET_MODULES.some((m) => name.includes(m));
}

/** The named parameters GaLore projects, in order. */
export function galoreTargets<V extends { shape: readonly number[] }>(
  named: ReadonlyArray<readonly [string, V]>,
): Array<[string, V]> {
  return named.filter(([name, v]) => isGaLoreTarget(name, v.shape)).map(([n, v]) => [n, v]);
}
