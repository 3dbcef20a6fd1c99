// Default values shared by the schedules, as in the reference's command-line defaults.

/** Defaults of the schedule options. */
export const SCHEDULE_DEFAULTS = {
  /** Floor of the cosine as a fraction of the base LR (reference `--min_lr_ratio`). */
  minLrRatio: 0.1,
  /** Shift of the jagged cosine in steps (reference `--adjust_step`). */
  adjustStep: 0,
} as const;
