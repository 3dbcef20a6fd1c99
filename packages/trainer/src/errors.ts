// The errors the training loop raises.

/** A non-finite training loss: the update was not applied; the last checkpoint is the last good state. */
export class NonFiniteLossError extends Error {
  constructor(
    readonly updateStep: number,
    readonly loss: number,
  ) {
    super(
      `training loss is ${loss} at update step ${updateStep + 1}: stopped without applying that update; ` +
        'the last checkpoint holds the last good state (try a lower --lr or --clip-grad-norm)',
    );
    this.name = 'NonFiniteLossError';
  }
}

/** The GPU reported errors during a step: its results are not to be trusted, so nothing was applied. */
export class DeviceError extends Error {
  constructor(
    readonly updateStep: number,
    readonly errors: string[],
  ) {
    super(
      `the GPU reported ${errors.length} error(s) at update step ${updateStep + 1}, the first: ${errors[0]}; stopped without applying that update`,
    );
    this.name = 'DeviceError';
  }
}
