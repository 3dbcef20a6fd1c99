// Shows training progress: a cli-progress bar on a terminal, plain lines otherwise (logs, CI, pipes).

import type { EvalEvent, RestartEvent, StepEvent } from '@relora/trainer';
import { SingleBar } from 'cli-progress';

/** Where the CLI writes; tests pass their own. */
export interface Output {
  out(line: string): void;
  err(line: string): void;
  /** A terminal stream for the bar, or undefined for plain lines. */
  tty?: NodeJS.WriteStream;
}

function formatEta(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/** Progress display over update steps [first, total]. */
export class Progress {
  private bar?: SingleBar;
  private readonly started = performance.now();
  private readonly first: number;

  constructor(
    private readonly output: Output,
    first: number,
    private readonly total: number,
    private readonly logEvery: number,
  ) {
    this.first = first;
    if (output.tty) {
      this.bar = new SingleBar({
        stream: output.tty,
        format: 'step {value}/{total} [{bar}] loss {loss} lr {lr} {tps} tok/s ETA {eta_text}',
        barsize: 24,
        hideCursor: true,
        clearOnComplete: false,
      });
      this.bar.start(total, first, { loss: '-', lr: '-', tps: '-', eta_text: '?' });
    }
  }

  private eta(step: number): string {
    const done = step - this.first;
    const seconds =
      ((performance.now() - this.started) / 1000 / Math.max(done, 1)) * (this.total - step);
    return formatEta(done > 0 ? seconds : Number.NaN);
  }

  step(e: StepEvent): void {
    const fields = {
      loss: e.loss.toFixed(4),
      lr: e.lr.toExponential(2),
      tps: e.throughputTokens.toFixed(0),
      eta_text: this.eta(e.updateStep),
    };
    if (this.bar) {
      this.bar.update(e.updateStep, fields);
      return;
    }
    if (e.updateStep % this.logEvery === 0 || e.updateStep === this.total) {
      this.output.out(
        `step ${e.updateStep}/${this.total} loss ${fields.loss} lr ${fields.lr} ${fields.tps} tok/s grad_norm ${e.gradNorm.toFixed(3)} ETA ${fields.eta_text}`,
      );
    }
  }

  /** A line above the bar (or a plain line). */
  note(line: string): void {
    if (this.bar) {
      this.output.tty?.write('\r\x1b[2K');
      this.output.out(line);
      this.bar.render();
      return;
    }
    this.output.out(line);
  }

  eval(e: EvalEvent): void {
    this.note(
      `eval at step ${e.updateStep}: loss ${e.evalLoss.toFixed(4)}, perplexity ${e.perplexity.toFixed(2)} (${e.evalTokens} tokens)`,
    );
  }

  restart(e: RestartEvent): void {
    const what = [
      e.merged ? `LoRA merge #${e.nLoraRestarts}` : '',
      e.optimizerReset
        ? `optimizer reset #${e.nOptimizerResets} (${e.zeroed}/${e.total} moments zeroed)`
        : '',
    ]
      .filter(Boolean)
      .join(', ');
    this.note(`restart after step ${e.updateStep}: ${what}`);
  }

  stop(): void {
    this.bar?.stop();
  }
}
