// The suite's self-checks: measured memory and parameters against the analytical counts.
import type { AnalyticalParameterCounts, ByteCounts } from './analytical';
import type { CaseMeasurement } from './case-schema';
import type { Check } from './results-schema';

/** How far measured resident bytes may sit from the analytical count. */
export interface Tolerance {
  /** Fraction of the analytical bytes. */
  relative: number;
  /** Bytes on top, for buffers that are not parameters (rotary tables, masks, scalars). */
  bytes: number;
}

/** The tolerance in words, written next to the results. */
export function describeTolerance(t: Tolerance): string {
  return (
    `Resident bytes after warm-up (tensor bytes; on webgpu the backend's GPU buffers) must equal ` +
    `weights + optimizer state (AdamW m and v; GaLore/Fira also projectors and projected ` +
    `moments) + method state (SwitchLoRA's candidate pools, SST's pair masks) + the causal mask and ` +
    `rotary tables (4 bytes per float32) ` +
    `within ${(t.relative * 100).toFixed(1)}% + ${(t.bytes / 1024).toFixed(0)} KiB; parameter ` +
    `counts from the model's variables must equal the analytical counts exactly.`
  );
}

/** Every check of one case; a failed check flags a mismatch, it does not stop the run. */
export function checkCase(
  caseId: string,
  analytical: { params: AnalyticalParameterCounts; bytes: ByteCounts; bufferBytes: number },
  measured: CaseMeasurement,
  tolerance: Tolerance,
): Check[] {
  const checks: Check[] = [];
  const add = (name: string, ok: boolean, m: number, e: number, message: string) =>
    checks.push({ caseId, name, ok, measured: m, expected: e, message });

  for (const key of ['total', 'trainable', 'frozen', 'lora'] as const) {
    const m = measured.params[key];
    const e = analytical.params[key];
    add(`params.${key}`, m === e, m, e, `${key} parameters: model has ${m}, analytical count ${e}`);
  }

  const expectedResident =
    analytical.bytes.weights +
    analytical.bytes.optimizer +
    (analytical.bytes.state ?? 0) +
    analytical.bufferBytes;
  const gap = measured.memory.residentBytes - expectedResident;
  const allowed = tolerance.relative * expectedResident + tolerance.bytes;
  add(
    'resident-bytes',
    Math.abs(gap) <= allowed,
    measured.memory.residentBytes,
    expectedResident,
    `resident ${measured.memory.residentBytes} B vs weights + optimizer state + method state + mask and rotary tables ` +
      `${expectedResident} B ` +
      `(gap ${gap} B, allowed ±${Math.floor(allowed)} B)`,
  );

  // Every gradient is alive at once before the optimizer applies them (clipping needs them all).
  add(
    'peak-holds-gradients',
    measured.memory.activationBytes >= analytical.bytes.gradients,
    measured.memory.activationBytes,
    analytical.bytes.gradients,
    `peak - resident ${measured.memory.activationBytes} B must hold the gradients ` +
      `${analytical.bytes.gradients} B`,
  );

  const { numTensorsAfterWarmup: before, numTensorsAfterSteps: after } = measured.memory;
  add(
    'no-leak',
    before === after,
    after,
    before,
    `tensors after warm-up ${before}, after steps ${after}`,
  );

  if (measured.reset) {
    add(
      'reset-zeroed',
      measured.reset.zeroed > 0,
      measured.reset.zeroed,
      measured.reset.total,
      `optimizer reset zeroed ${measured.reset.zeroed} of ${measured.reset.total} entries`,
    );
  }
  return checks;
}
