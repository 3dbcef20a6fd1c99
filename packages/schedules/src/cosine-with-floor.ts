// The half-cosine decay every cosine schedule here shares (Loshchilov & Hutter 2017, with a floor).

/** m + (1 - m) * 0.5 * (1 + cos(pi * progress)): the half-cosine from 1 down to the floor m. */
export function cosineWithFloor(progress: number, minLrRatio: number): number {
  return minLrRatio + (1 - minLrRatio) * 0.5 * (1 + Math.cos(Math.PI * progress));
}
