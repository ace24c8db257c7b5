import { utteranceStarts } from './timeline-runs.ts';
import type { TimelineFrame } from './view-state.ts';

/** Width of the phone names' gutter at the left, in CSS pixels (page.css's --gutter: the tiers line up with it). */
export const GUTTER = 64;

/** Stops of the heat map from p = 0 (the card's colour) to p = 1 (pale yellow), inferno-like. */
const STOPS: [number, number, number][] = [
  [19, 28, 49],
  [60, 15, 110],
  [150, 35, 105],
  [225, 90, 50],
  [250, 195, 60],
  [252, 255, 164],
];

/**
 * The colour of probability `p` on the posteriorgram, as `rgb(…)`.
 *
 * ## Example
 * ```ts
 * heatColor(0); // 'rgb(19, 28, 49)'
 * ```
 */
export function heatColor(p: number): string {
  const x = Math.min(1, Math.max(0, p)) * (STOPS.length - 1);
  const k = Math.min(STOPS.length - 2, Math.floor(x));
  const f = x - k;
  const [a, b] = [STOPS[k], STOPS[k + 1]];
  return `rgb(${a.map((v, j) => Math.round(v + (b[j] - v) * f)).join(', ')})`;
}

/**
 * Draws the posteriorgram of the timeline: one row per phone of the model (hello order), one
 * column per frame over the last `length` positions, coloured by the probability the server sent
 * for that phone (its top 3 per frame: the rest are dark). On labelled streams the reference
 * phone of each frame is traced as a thin cyan line, so the heat should follow it. Dashed lines
 * mark where an utterance begins. Sharp on high-DPI screens.
 *
 * @param canvas - its CSS size sets the drawing's.
 * @param frames - the timeline, oldest first.
 * @param phones - the model's phones (rows, top to bottom).
 * @param length - positions the width spans (the newest frame at the right edge).
 */
export function drawPosteriorgram(canvas: HTMLCanvasElement, frames: readonly TimelineFrame[], phones: readonly string[], length: number): void {
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
  g.fillStyle = heatColor(0);
  g.fillRect(GUTTER, 0, width - GUTTER, height);
  if (phones.length === 0) return;

  const rowHeight = height / phones.length;
  const row = new Map(phones.map((p, k) => [p, k]));
  g.font = `${Math.min(11, Math.max(7, rowHeight * 1.6))}px system-ui, sans-serif`;
  g.textBaseline = 'middle';
  g.fillStyle = 'rgba(159, 176, 200, 0.9)';
  const every = rowHeight >= 10 ? 1 : 2;
  phones.forEach((p, k) => {
    if (k % every === 0) g.fillText(p, 2, (k + 0.5) * rowHeight);
  });
  if (frames.length === 0) return;

  const plotWidth = width - GUTTER;
  const column = plotWidth / length;
  const last = frames[frames.length - 1].n;
  const x = (n: number) => GUTTER + (n - (last - length + 1)) * column;
  for (const f of frames) {
    for (const [phone, p] of f.top) {
      const k = row.get(phone);
      if (k === undefined || p <= 0) continue;
      g.fillStyle = heatColor(p);
      g.fillRect(x(f.n), k * rowHeight, Math.ceil(column), Math.ceil(rowHeight));
    }
  }
  g.fillStyle = '#22d3ee';
  for (const f of frames) {
    const k = f.truth === undefined ? undefined : row.get(f.truth);
    if (k !== undefined) g.fillRect(x(f.n), (k + 0.5) * rowHeight - 0.75, Math.ceil(column), 1.5);
  }
  g.strokeStyle = 'rgba(229, 237, 247, 0.55)';
  g.setLineDash([3, 3]);
  g.lineWidth = 1;
  for (const n of utteranceStarts(frames)) {
    g.beginPath();
    g.moveTo(Math.round(x(n)) + 0.5, 0);
    g.lineTo(Math.round(x(n)) + 0.5, height);
    g.stroke();
  }
  g.setLineDash([]);
}
