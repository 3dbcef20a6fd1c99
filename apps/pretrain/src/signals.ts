// SIGINT/SIGTERM/SIGHUP for the whole run: during start-up, exit at once (nothing written); during
// training, finish the current update step, save, print the resume line; after the loop, skip the
// rest (report, sample). Exit codes follow the shell: 128 + the signal's number.
import type { Trainer } from '@relora/trainer';

/** Exit code of a process ended by each handled signal (128 + its number). */
export const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;
type StopSignal = keyof typeof SIGNAL_EXIT;
const SIGNALS = Object.keys(SIGNAL_EXIT) as StopSignal[];

/**
 * The handlers of one run. Phases: start-up (until {@link training}), training (until
 * {@link afterTraining}), after. `exit` ends the process; `cleanup` runs before it (e.g. unlock).
 */
export class StopSignals {
  #phase: 'startup' | 'training' | 'after' = 'startup';
  #trainer?: Trainer;
  #stopping = false;
  #saving = 0;
  #cleanup: Array<() => void> = [];
  readonly #handler = (signal: NodeJS.Signals) => this.#handle(signal as StopSignal);

  constructor(
    private readonly note: (line: string) => void,
    private readonly exit: (code: number) => never = (code) => process.exit(code),
  ) {
    for (const s of SIGNALS) process.on(s, this.#handler);
  }

  /** Runs `fn` before a signal ends the process (in the reverse order of registration). */
  onExit(fn: () => void): void {
    this.#cleanup.push(fn);
  }

  /** Training begins: the first signal stops `trainer` after the current step. */
  training(trainer: Trainer): void {
    this.#phase = 'training';
    this.#trainer = trainer;
  }

  /** Wraps a checkpoint write: a signal during it waits for it (and the resume line). */
  async saving<T>(write: () => Promise<T> | T): Promise<T> {
    this.#saving++;
    try {
      return await write();
    } finally {
      this.#saving--;
    }
  }

  /** The loop is over and, if stopped, the resume line printed: a signal now skips the rest. */
  afterTraining(): void {
    this.#phase = 'after';
  }

  /** Removes the handlers. */
  dispose(): void {
    for (const s of SIGNALS) process.off(s, this.#handler);
  }

  #end(code: number): never {
    for (const fn of this.#cleanup.reverse()) {
      try {
        fn();
      } catch {
        // exiting anyway
      }
    }
    return this.exit(code);
  }

  #handle(signal: StopSignal): void {
    const code = SIGNAL_EXIT[signal];
    if (this.#phase === 'startup') {
      this.note(`${signal} during start-up: exiting, nothing written`);
      this.#end(code);
    } else if (this.#phase === 'after') {
      this.note(`${signal}: skipping the rest (report, sample); the run's checkpoints are intact`);
      this.#end(code);
    } else if (!this.#stopping) {
      this.#stopping = true;
      this.#trainer?.stop();
      this.note(
        `${signal}: stopping after the current update step, then saving a checkpoint (send again to exit at once without saving)`,
      );
    } else if (this.#saving > 0) {
      this.note(`${signal}: saving, please wait`);
    } else {
      this.note(`${signal} again: exiting without saving`);
      this.#end(code);
    }
  }
}
