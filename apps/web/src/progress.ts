// The run's progress as one object: shown to people as a summary and a sample, kept as JSON
// (<pre id="progress">, body data-*) for tests and for anyone who wants every number.

/** Where the page is in its life. */
export type Status = 'loading' | 'ready' | 'training' | 'stopped' | 'done' | 'error';

/** What the page reports; `losses[i]` is the loss of update step i + 1. */
export interface Progress {
  status: Status;
  backend?: string;
  /** The WebGPU adapter in one phrase (webgpu only). */
  adapter?: string;
  /** wasm only: whether the matmul loop runs relaxed SIMD's fused multiply-add in this browser. */
  wasmFma?: boolean;
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
  /** Text the model generated when training last stopped or finished. */
  sample?: string;
  error?: string;
}

/** One figure of the readable summary; `key` names its element (`data-key`). */
export interface SummaryRow {
  key: string;
  label: string;
  value: string;
}

const NONE = '–';

/** What a person reads: step / total, loss, perplexity, tokens/s, restarts, LR, phase, backend. */
export function summaryRows(state: Progress): SummaryRow[] {
  const loss = state.losses.at(-1);
  const restarts = state.restarts.length;
  const phase =
    state.phaseAt !== undefined
      ? `ReLoRA since step ${state.phaseAt}`
      : state.step > 0
        ? 'full-rank warm start'
        : NONE;
  // Names only: the reasons are long (a GPU driver's name) and stay in the JSON.
  const skipped = state.skipped.map((s) => s.name).join(', ');
  return [
    { key: 'step', label: 'Step', value: `${state.step} / ${state.steps}` },
    { key: 'loss', label: 'Training loss', value: loss === undefined ? NONE : loss.toFixed(3) },
    // Of the last step's training loss: the page runs no validation pass.
    {
      key: 'perplexity',
      label: 'Training perplexity',
      value: loss === undefined ? NONE : Math.exp(loss).toFixed(2),
    },
    {
      key: 'tokens-per-second',
      label: 'Tokens/s',
      value:
        state.tokensPerSecond === undefined ? NONE : state.tokensPerSecond.toLocaleString('en'),
    },
    {
      key: 'restarts',
      label: 'Restarts',
      value: restarts === 0 ? '0' : `${restarts} (after steps ${state.restarts.join(', ')})`,
    },
    {
      key: 'lr',
      label: 'Learning rate',
      value: state.lr === undefined ? NONE : state.lr.toExponential(2),
    },
    { key: 'phase', label: 'Phase', value: phase },
    {
      key: 'backend',
      label: 'Backend',
      value: `${state.backend ?? NONE}${state.adapter ? ` on ${state.adapter}` : ''}${state.wasmFma === undefined ? '' : state.wasmFma ? ', relaxed SIMD (FMA)' : ', SIMD (no relaxed SIMD)'}${skipped ? ` (skipped ${skipped})` : ''}`,
    },
  ];
}

/** The page's elements the progress is written into. */
export interface ProgressElements {
  /** Holds the summary as <div><dt>label</dt><dd>value</dd></div> pairs (a <dl>). */
  summary: HTMLElement;
  sample: HTMLElement;
  /** The whole state as JSON. */
  json: HTMLElement;
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

  constructor(private readonly elements: ProgressElements) {}

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
    this.elements.json.textContent = JSON.stringify(
      { ...state, losses: state.losses.map((l) => Number(l.toFixed(4))) },
      null,
      1,
    );
    this.elements.summary.replaceChildren(
      ...summaryRows(state).map((row) => {
        const item = document.createElement('div');
        item.dataset.key = row.key;
        const label = document.createElement('dt');
        label.textContent = row.label;
        const value = document.createElement('dd');
        value.textContent = row.value;
        item.append(label, value);
        return item;
      }),
    );
    if (state.sample !== undefined) this.elements.sample.textContent = state.sample;
  }
}
