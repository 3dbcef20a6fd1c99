// The float32 peak of known GPUs, so a GPU run can print its fraction of peak.

/** A GPU's peak float32 rate (no tensor cores: WebGPU has no float32 matrix units). */
export interface GpuPeak {
  /** The product, as the vendor names it. */
  name: string;
  /** Peak float32 FLOP/s (dense, CUDA/shader cores, boost clock). */
  fp32Flops: number;
  /** Where the figure comes from. */
  source: string;
}

const NVIDIA = 'NVIDIA data sheet, FP32 (non-Tensor-Core)';

// First match wins: the specific forms (PCIe, NVL) come before the family name.
const KNOWN: Array<[RegExp, string, number]> = [
  [/H200.*NVL/i, 'NVIDIA H200 NVL', 60],
  [/H200/i, 'NVIDIA H200 SXM', 67],
  [/H100.*PCIe/i, 'NVIDIA H100 PCIe', 51],
  [/H100.*NVL/i, 'NVIDIA H100 NVL', 60],
  [/H100/i, 'NVIDIA H100 SXM', 67],
  [/A100/i, 'NVIDIA A100', 19.5],
  [/L40S/i, 'NVIDIA L40S', 91.6],
  [/\bL40\b/i, 'NVIDIA L40', 90.5],
  [/\bL4\b/i, 'NVIDIA L4', 30.3],
  [/\bA10\b/i, 'NVIDIA A10', 31.2],
  [/\bT4\b/i, 'NVIDIA T4', 8.1],
  [/V100.*PCIe/i, 'NVIDIA V100 PCIe', 14],
  [/V100/i, 'NVIDIA V100 SXM2', 15.7],
  [/RTX 4090/i, 'NVIDIA GeForce RTX 4090', 82.6],
  [/RTX 3090/i, 'NVIDIA GeForce RTX 3090', 35.6],
  [/RTX A6000/i, 'NVIDIA RTX A6000', 38.7],
];

/** The peak of the GPU `name` describes (an nvidia-smi name or a WebGPU adapter), or null. */
export function knownGpuPeak(name: string | null): GpuPeak | null {
  if (!name) return null;
  const hit = KNOWN.find(([pattern]) => pattern.test(name));
  return hit ? { name: hit[1], fp32Flops: hit[2] * 1e12, source: NVIDIA } : null;
}
