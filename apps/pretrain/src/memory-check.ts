// Refuses up front a model the backend cannot hold, instead of aborting a minute into the run:
// every tensor of the wasm backend lives in one 32-bit WebAssembly heap.
import type { BackendName } from '@relora/backend';
import { type LlamaConfig, llamaParameterLayout } from '@relora/llama';
import { UsageError } from './parse-value';

/** wasm32 addresses 2^32 bytes (65536 pages of 64 KiB): the wasm backend's heap at most. */
export const WASM_HEAP_BYTES = 2 ** 32;

/** Float32 bytes per parameter: the weight alone, or with its gradient and AdamW's m and v. */
const BYTES_FROZEN = 4;
const BYTES_TRAINED = 16;

/**
 * A lower bound of the bytes training `config` holds: every weight, and while a full-rank phase
 * runs (`fullRank`) a gradient and AdamW's two moments for each. Activations, LoRA factors and
 * the LoRA phase's trained embeddings are left out, so a model above a heap cannot fit in it.
 */
export function trainingBytesAtLeast(config: LlamaConfig, fullRank: boolean): number {
  const params = llamaParameterLayout(config).reduce(
    (n, e) => n + e.shape.reduce((a, b) => a * b, 1),
    0,
  );
  return params * (fullRank ? BYTES_TRAINED : BYTES_FROZEN);
}

const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(1)} GiB`;

/**
 * Throws a {@link UsageError} when training `config` on `backend` cannot fit: on wasm, more than
 * {@link WASM_HEAP_BYTES} by {@link trainingBytesAtLeast}. Other backends are not bounded here.
 */
export function checkModelFits(
  backend: BackendName,
  config: LlamaConfig,
  fullRank: boolean,
  model: string,
): void {
  if (backend !== 'wasm') return;
  const bytes = trainingBytesAtLeast(config, fullRank);
  if (bytes > WASM_HEAP_BYTES)
    throw new UsageError(
      `--model-config: ${model} needs at least ${gib(bytes)} (${fullRank ? 'weights, gradients and AdamW state' : 'its weights'}), more than the wasm backend's ${gib(WASM_HEAP_BYTES)} heap; choose a smaller model or another --backend`,
    );
}
