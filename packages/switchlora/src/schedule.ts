// The decaying switching frequency (official switch_lora.py `_get_switch_rate`,
// `_get_switch_replace_num`): pure functions of the 0-based optimizer step.
import type { ResolvedSwitchScheduleOptions, SwitchDescendType } from './options';

/**
 * The switching rate in (0, 1] at 0-based optimizer `step`. 'exponential': 0.3^((step + 1) / D),
 * i.e. it falls to 0.3 (the interval triples) every D = `descendSteps` steps; 'Z': a logistic drop
 * centred on D. Floored at 1e-8 as the official code.
 */
export function switchRate(step: number, descendSteps: number, type: SwitchDescendType): number {
  let value: number;
  if (type === 'Z') {
    const k = 10 / descendSteps;
    value = 1 - 1 / (1 + Math.exp(-k * (step - descendSteps)));
  } else {
    // The official code's own order of operations: x = 0.3^(1/D), then x^(step + 1).
    value = (0.3 ** (1 / descendSteps)) ** (step + 1);
  }
  return Math.max(value, 1e-8);
}

/** I(t): steps between two switches of one vector, on average, at 0-based `step`. */
export function switchInterval(step: number, o: ResolvedSwitchScheduleOptions): number {
  if (o.fixSwitchLoraInterval) return o.switchLoraInterval;
  const descendSteps = o.switchLoraDescentRate * o.totalSteps;
  return o.switchLoraInterval / switchRate(step, descendSteps, o.switchDescendType);
}

/**
 * How many of `rank` vectors to switch at `step`: rank / I(t), rounded stochastically (the floor,
 * plus one with probability equal to the fraction), with one draw from `uniform` (a value in [0, 1)).
 * Throws when I(t) < 2 * adamWarmStep, as the official code: a vector would switch again while its
 * counterpart is still frozen.
 */
export function switchReplaceCount(
  rank: number,
  step: number,
  o: ResolvedSwitchScheduleOptions,
  uniform: () => number,
): number {
  const interval = switchInterval(step, o);
  if (interval < o.adamWarmStep * 2) {
    throw new RangeError(
      `SwitchLoRA: the switch interval ${interval} at step ${step} is below 2 * adamWarmStep = ${2 * o.adamWarmStep}; raise switchLoraInterval or lower adamWarmStep`,
    );
  }
  const count = rank / interval;
  const whole = Math.trunc(count);
  return whole + (uniform() < count - whole ? 1 : 0);
}
