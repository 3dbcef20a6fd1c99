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
