// SIGINT/SIGTERM: finish the current update step, save a checkpoint, exit 0; a second signal exits at once.
import type { Trainer } from '@relora/trainer';

/** Installs the handlers; returns a function that removes them. */
export function onStopSignals(trainer: Trainer, note: (line: string) => void): () => void {
  let received = 0;
  const handler = (signal: NodeJS.Signals) => {
    received++;
    if (received > 1) {
      note(`${signal} again: exiting without saving`);
      process.exit(130);
    }
    note(
      `${signal}: finishing update step ${trainer.updateStep + 1}, then saving a checkpoint (send again to exit at once)`,
    );
    trainer.stop();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
