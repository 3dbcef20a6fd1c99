// Construction-time checks that name the option at fault and what was expected.

export function requireInteger(
  schedule: string,
  name: string,
  value: unknown,
  min: number,
): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new RangeError(`${schedule}: ${name} must be an integer >= ${min}, got ${String(value)}`);
  }
  return value;
}

export function requireMinLrRatio(schedule: string, value: unknown): number {
  if (typeof value !== 'number' || !(value > 0 && value <= 1)) {
    throw new RangeError(`${schedule}: minLrRatio must be in (0, 1], got ${String(value)}`);
  }
  return value;
}

/** Guards the returned function: LambdaLR only ever passes integer steps >= 0. */
export function checkStep(schedule: string, step: number): void {
  if (!Number.isInteger(step) || step < 0) {
    throw new RangeError(`${schedule}: step must be an integer >= 0, got ${step}`);
  }
}
