// A run that stops on a non-finite loss: one line naming the step and the checkpoint that holds the
// last good state, or saying that none was saved.
import type { NonFiniteLossError } from '@relora/trainer';

/** A run stopped for a reason its message gives whole (one line; exit 1). */
export class RunFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunFailure';
  }
}

const TRY = 'try a lower --lr or --clip-grad-norm';

function lastGood(checkpoint: string | undefined): string {
  return checkpoint
    ? `the last good state is ${checkpoint} (continue from it with --resume-from and a lower --lr or --clip-grad-norm)`
    : `no checkpoint was saved before it (${TRY})`;
}

/** The trainer's stop on a non-finite training loss, with the checkpoint it can continue from. */
export function nonFiniteTraining(
  error: NonFiniteLossError,
  lastCheckpoint: string | undefined,
): RunFailure {
  return new RunFailure(
    `training loss is ${error.loss} at update step ${error.updateStep + 1}: stopped without applying that update; ${lastGood(lastCheckpoint)}`,
  );
}

/**
 * A validation loss that is not finite at `step`: the last update left the weights non-finite,
 * so the checkpoint of that step is not written.
 */
export function nonFiniteEvaluation(
  step: number,
  loss: number,
  lastCheckpoint: string | undefined,
): RunFailure {
  return new RunFailure(
    `validation loss is ${loss} at update step ${step}: the weights are no longer finite, so no checkpoint of this step was saved; ${lastGood(lastCheckpoint)}`,
  );
}
