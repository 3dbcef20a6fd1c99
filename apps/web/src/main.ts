// The page: picks a backend, loads the bundled Brown slice, and wires Start, Stop, Download to a training session.

import { drawChart } from './chart';
import { checkpointFiles, download } from './checkpoint';
import { demoConfig } from './demo-config';
import { pickBackend } from './pick-backend';
import { ProgressView } from './progress';
import { TrainingSession } from './training-session';

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`the page has no #${id}`);
  return found as T;
}

const buttons = {
  start: element<HTMLButtonElement>('start'),
  stop: element<HTMLButtonElement>('stop'),
  download: element<HTMLButtonElement>('download'),
  config: element<HTMLButtonElement>('download-config'),
};
const statusLine = element<HTMLSpanElement>('status');
const canvas = element<HTMLCanvasElement>('chart');
const progress = new ProgressView({
  summary: element('summary'),
  sample: element('sample'),
  json: element('progress'),
});
let session: TrainingSession | undefined;

function redraw(): void {
  if (!session) return;
  const { state } = progress;
  drawChart(canvas, {
    steps: state.steps,
    losses: state.losses,
    schedule: session.schedule,
    restarts: state.restarts,
    ...(state.phaseAt !== undefined ? { phaseAt: state.phaseAt } : {}),
  });
}

function setButtons(training: boolean): void {
  buttons.start.disabled = training || !session || session.finished;
  buttons.stop.disabled = !training;
  buttons.download.disabled = training || !session;
  buttons.config.disabled = training || !session;
}

function fail(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  progress.update({ status: 'error', error: message });
  statusLine.textContent = `Error: ${message}`;
  setButtons(false);
}

async function start(): Promise<void> {
  if (!session) return;
  progress.update({ status: 'training' });
  statusLine.textContent = 'Training…';
  setButtons(true);
  await session.run({
    onStep: (e) => {
      progress.update({
        step: e.updateStep,
        losses: [...progress.state.losses, e.loss],
        lr: e.lr,
        tokensPerSecond: Math.round(e.throughputTokens),
      });
      statusLine.textContent = `step ${e.updateStep}/${progress.state.steps} · loss ${e.loss.toFixed(3)} · ${Math.round(e.throughputTokens)} tokens/s`;
      redraw();
    },
    onRestart: (step) => progress.update({ restarts: [...progress.state.restarts, step] }),
    onPhase: (step) => progress.update({ phaseAt: step }),
  });
  const done = session.finished;
  statusLine.textContent = 'Generating a sample…';
  progress.update({ sample: await session.sample(), status: done ? 'done' : 'stopped' });
  statusLine.textContent = done ? 'Done.' : `Stopped at step ${progress.state.step}.`;
  setButtons(false);
}

async function saveCheckpoint(which: 'safetensors' | 'config'): Promise<void> {
  if (!session) return;
  const files = await checkpointFiles(session.trainer, session.model);
  if (which === 'safetensors')
    download('model.safetensors', files.safetensors, 'application/octet-stream');
  else download('config.json', files.configJson, 'application/json');
}

async function boot(): Promise<void> {
  const config = demoConfig(location.search);
  const backend = await pickBackend(config.backend);
  const { default: texts } = await import('virtual:brown-slice');
  session = new TrainingSession(texts, config);
  progress.update({
    status: 'ready',
    backend: backend.name,
    ...(backend.adapter ? { adapter: backend.adapter } : {}),
    ...(backend.wasmFma === undefined ? {} : { wasmFma: backend.wasmFma }),
    skipped: backend.skipped,
    documents: texts.length,
    steps: config.steps,
  });
  statusLine.textContent = `Ready on ${backend.name} · ${texts.length} Brown documents · ${config.steps} steps`;
  redraw();
  setButtons(false);
}

buttons.start.addEventListener('click', () => start().catch(fail));
buttons.stop.addEventListener('click', () => session?.stop());
buttons.download.addEventListener('click', () => saveCheckpoint('safetensors').catch(fail));
buttons.config.addEventListener('click', () => saveCheckpoint('config').catch(fail));
boot().catch(fail);
