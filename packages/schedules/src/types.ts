// The shape every schedule shares: a pure function of the update step.

/**
 * Multiplier of the base learning rate at a 0-based update step (the reference's `LambdaLR`
 * lambda: the optimizer step with index `step` uses `baseLr * schedule(step)`).
 */
export type Schedule = (step: number) => number;
