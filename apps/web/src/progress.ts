// The run's progress as one JSON object, mirrored into the page (<pre id="progress">, body data-*) for people and tests.

/** Where the page is in its life. */
export type Status = 'loading' | 'ready' | 'training' | 'stopped' | 'done' | 'error';

/** What the page reports; `losses[i]` is the loss of update step i + 1. */
export interface Progress {
  status: Status;
  backend?: string;
  /** Backends skipped before the one in use, with the reason. */
  skipped: Array<{ name: string; reason: string }>;
  documents: number;
  steps: number;
  step: number;
  losses: number[];
  lr?: number;
  /** Update steps after which a merge-and-reinit happened. */
  restarts: number[];
  phaseAt?: number;
  tokensPerSecond?: number;
  error?: string;
}

/** Holds the progress and writes it into the page on every change. */
export class ProgressView {
  readonly state: Progress = {
    status: 'loading',
    skipped: [],
    documents: 0,
    steps: 0,
    step: 0,
    losses: [],
    restarts: [],
  };

  constructor(private readonly pre: HTMLElement) {}

  update(change: Partial<Progress>): void {
    Object.assign(this.state, change);
    const { state } = this;
    const body = document.body.dataset;
    body.status = state.status;
    body.step = String(state.step);
    body.restarts = String(state.restarts.length);
    if (state.backend) body.backend = state.backend;
    const last = state.losses.at(-1);
    if (last !== undefined) body.loss = last.toFixed(4);
    this.pre.textContent = JSON.stringify(
      { ...state, losses: state.losses.map((l) => Number(l.toFixed(4))) },
      null,
      1,
    );
  }
}
