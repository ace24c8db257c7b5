import { toPlotPoints } from './plot-points.ts';

export interface LinePlotStyle {
  /** Value range shown: `max` undefined means "up to the series' largest value". */
  min: number;
  max?: number;
  /** Line colour (CSS). */
  color: string;
  /** Values at which to draw faint horizontal guides. */
  guides?: number[];
  /** Formats a guide's value for its label at the left edge (no labels without it). */
  format?: (value: number) => string;
}

/**
 * Draws a series as a line on a canvas, sharp on high-DPI screens: the backing store is resized
 * to the canvas's CSS size × devicePixelRatio before drawing.
 *
 * @param canvas - the plot's canvas; its CSS size sets the plot size.
 * @param values - the series, oldest first (non-finite values are gaps).
 * @param style - range, colour and guides.
 *
 * ## Example
 * ```ts
 * drawLinePlot(accuracyCanvas, state.training.accuracy, { min: 0, max: 1, color: '#34d399', guides: [0.5] });
 * ```
 */
export function drawLinePlot(canvas: HTMLCanvasElement, values: readonly number[], style: LinePlotStyle): void {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth;
  const height = canvas.clientHeight;
  if (width === 0 || height === 0) return;
  if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
  }
  const g = canvas.getContext('2d');
  if (!g) return;
  g.setTransform(ratio, 0, 0, ratio, 0, 0);
  g.clearRect(0, 0, width, height);

  const finite = values.filter(Number.isFinite);
  const max = style.max ?? Math.max(style.min + 1e-6, ...finite) * 1.1;
  const box = { width, height, min: style.min, max };

  g.lineWidth = 1;
  g.font = '11px system-ui, sans-serif';
  g.textBaseline = 'bottom';
  for (const guide of style.guides ?? []) {
    const [[, y]] = toPlotPoints([guide], box);
    g.strokeStyle = 'rgba(148, 163, 184, 0.22)';
    g.beginPath();
    g.moveTo(0, Math.round(y) + 0.5);
    g.lineTo(width, Math.round(y) + 0.5);
    g.stroke();
    if (style.format) {
      g.fillStyle = 'rgba(159, 176, 200, 0.9)';
      g.fillText(style.format(guide), 6, y - 2);
    }
  }

  const points = toPlotPoints(values, box);
  if (points.length === 0) return;
  g.strokeStyle = style.color;
  g.lineWidth = 2;
  g.lineJoin = 'round';
  g.beginPath();
  points.forEach(([x, y], k) => (k === 0 ? g.moveTo(x, y) : g.lineTo(x, y)));
  g.stroke();
  const [lx, ly] = points[points.length - 1];
  g.fillStyle = style.color;
  g.beginPath();
  g.arc(lx, ly, 3, 0, 2 * Math.PI);
  g.fill();
}
