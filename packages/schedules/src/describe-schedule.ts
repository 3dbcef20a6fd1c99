// Samples a schedule for plotting and finds its restarts (where the multiplier falls to ~0).
import type { Schedule } from './types';

/** One sampled point. */
export interface SchedulePoint {
  step: number;
  multiplier: number;
}

/** Options of {@link describeSchedule}. */
export interface DescribeScheduleOptions {
  /** Keep every n-th point (restarts are still found over every step). Default 1. */
  every?: number;
  /** A step t > 0 is a restart when its multiplier is <= this and lower than at t - 1. Default 1e-7. */
  restartThreshold?: number;
}

/** What {@link describeSchedule} returns. */
export interface ScheduleDescription {
  /** Sampled points, steps 0, every, 2*every, ... < numSteps. */
  points: SchedulePoint[];
  /** Steps t > 0 where the multiplier falls to (near) zero: the restarts of a jagged schedule. */
  restarts: number[];
  /** Smallest and largest multiplier over all steps. */
  min: number;
  max: number;
}

/**
 * Evaluates `schedule` at steps 0..numSteps-1.
 *
 * @example
 * const { points, restarts } = describeSchedule(cosineRestarts({ ... }), 1000, { every: 10 });
 */
export function describeSchedule(
  schedule: Schedule,
  numSteps: number,
  options: DescribeScheduleOptions = {},
): ScheduleDescription {
  const every = options.every ?? 1;
  const threshold = options.restartThreshold ?? 1e-7;
  if (!Number.isInteger(numSteps) || numSteps < 0) {
    throw new RangeError(`describeSchedule: numSteps must be an integer >= 0, got ${numSteps}`);
  }
  if (!Number.isInteger(every) || every < 1) {
    throw new RangeError(`describeSchedule: every must be an integer >= 1, got ${every}`);
  }
  const points: SchedulePoint[] = [];
  const restarts: number[] = [];
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let previous = Number.NaN;
  for (let step = 0; step < numSteps; step++) {
    const multiplier = schedule(step);
    if (step % every === 0) points.push({ step, multiplier });
    if (step > 0 && multiplier <= threshold && multiplier < previous) restarts.push(step);
    min = Math.min(min, multiplier);
    max = Math.max(max, multiplier);
    previous = multiplier;
  }
  return { points, restarts, min, max };
}
