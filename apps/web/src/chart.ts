// A small canvas chart: training loss and learning rate against update step, restarts as vertical lines.

/** Everything one frame of the chart shows. */
export interface ChartData {
  /** Total update steps of the run (the x range). */
  steps: number;
  /** Loss after each update step so far (nats per token). */
  losses: number[];
  /** Planned learning rate of every update step. */
  schedule: number[];
  /** Update steps after which LoRA was merged and re-initialised. */
  restarts: number[];
  /** Update step where ReLoRA took over from the full-rank warm start, if it has. */
  phaseAt?: number;
}

/** Maps `value` in [min, max] to [to0, to1] (a degenerate range maps to `to0`). */
export function scale(value: number, min: number, max: number, to0: number, to1: number): number {
  return max === min ? to0 : to0 + ((value - min) / (max - min)) * (to1 - to0);
}

const PAD = { left: 48, right: 56, top: 16, bottom: 28 };
const COLORS = { loss: '#d1495b', lr: '#00798c', restart: '#edae49', phase: '#888', axis: '#444' };

/** Draws `data` onto `canvas`, scaled to the canvas's current size. */
export function drawChart(canvas: HTMLCanvasElement, data: ChartData): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const { width, height } = canvas;
  const x0 = PAD.left;
  const x1 = width - PAD.right;
  const y0 = height - PAD.bottom;
  const y1 = PAD.top;
  const xAt = (step: number) => scale(step, 0, Math.max(1, data.steps), x0, x1);
  ctx.clearRect(0, 0, width, height);
  ctx.font = '11px system-ui, sans-serif';

  const vertical = (step: number, color: string, dash: number[]) => {
    ctx.strokeStyle = color;
    ctx.setLineDash(dash);
    ctx.beginPath();
    ctx.moveTo(xAt(step), y0);
    ctx.lineTo(xAt(step), y1);
    ctx.stroke();
    ctx.setLineDash([]);
  };
  if (data.phaseAt !== undefined) vertical(data.phaseAt, COLORS.phase, [2, 3]);
  for (const step of data.restarts) vertical(step, COLORS.restart, [5, 3]);

  const maxLr = Math.max(...data.schedule, 1e-12);
  line(
    ctx,
    data.schedule.map((lr, i) => [xAt(i + 1), scale(lr, 0, maxLr, y0, y1)]),
    COLORS.lr,
  );
  const lossMax = Math.max(...data.losses, 1);
  const lossMin = Math.min(...data.losses, lossMax - 1e-6);
  line(
    ctx,
    data.losses.map((loss, i) => [xAt(i + 1), scale(loss, lossMin, lossMax, y0, y1)]),
    COLORS.loss,
  );

  ctx.strokeStyle = COLORS.axis;
  ctx.strokeRect(x0, y1, x1 - x0, y0 - y1);
  ctx.fillStyle = COLORS.loss;
  ctx.fillText(`loss ${lossMax.toFixed(2)}`, 2, y1 + 10);
  ctx.fillText(lossMin.toFixed(2), 2, y0);
  ctx.fillStyle = COLORS.lr;
  ctx.fillText(`lr ${maxLr.toExponential(1)}`, x1 + 4, y1 + 10);
  ctx.fillStyle = COLORS.axis;
  ctx.fillText('0', x0, y0 + 14);
  ctx.fillText(`step ${data.steps}`, x1 - 48, y0 + 14);
}

function line(ctx: CanvasRenderingContext2D, points: Array<[number, number]>, color: string): void {
  if (points.length === 0) return;
  ctx.strokeStyle = color;
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  for (const [i, [x, y]] of points.entries()) {
    if (i === 0) ctx.moveTo(x, y);
    else ctx.lineTo(x, y);
  }
  ctx.stroke();
  ctx.lineWidth = 1;
}
