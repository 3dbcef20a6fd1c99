// SwitchLoRA's init of the candidate vectors (official lora_utils.py `get_init_lora_bound`).

/** Half-widths of the uniform draws of A's and B's candidate vectors. */
export interface SwitchLoRAInitBounds {
  /** Candidates of A (length inFeatures) are uniform on [-boundA, boundA]. */
  boundA: number;
  /** Candidates of B (length outFeatures) are uniform on [-boundB, boundB]. */
  boundB: number;
}

/**
 * With m = out, n = in, r = rank and g = sqrt(1/3) (torch's leaky-ReLU gain with slope sqrt(5)):
 * std_A = (m^(1/2) r / n^(3/2))^(1/4) g^(1/2), std_B = (r / (m n)^(1/2))^(1/4) g^(1/2), bound =
 * sqrt(3) std. Then (1/r)·B·A has entries of std g / sqrt(n), torch's nn.Linear default, and the
 * perturbations B·dA and dB·A are of equal size (SwitchLoRA, arXiv 2406.06564). Assumes s = 1/r.
 */
export function switchLoraInitBounds(
  inFeatures: number,
  outFeatures: number,
  rank: number,
): SwitchLoRAInitBounds {
  const [m, n, r] = [outFeatures, inFeatures, rank];
  const gain = Math.sqrt(2 / (1 + 5));
  const stdA = ((m ** 0.5 * r) / n ** 1.5) ** 0.25 * gain ** 0.5;
  const stdB = (r / (m * n) ** 0.5) ** 0.25 * gain ** 0.5;
  return { boundA: Math.sqrt(3) * stdA, boundB: Math.sqrt(3) * stdB };
}
