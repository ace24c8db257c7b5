import uPlot from 'uplot';

export interface TrainingPlotStyle {
  /** The series' name (the legend) and its line colour. */
  label: string;
  color: string;
  /** The y range: fixed, or up to the data's largest value when `max` is undefined. */
  min: number;
  max?: number;
  /** Formats a y tick. */
  format: (value: number) => string;
}

const AXIS = { stroke: '#9fb0c8', grid: { stroke: 'rgba(148, 163, 184, 0.16)', width: 1 }, ticks: { stroke: 'rgba(148, 163, 184, 0.3)', width: 1 } };
const HEIGHT = 150;
/** Tick steps of the time axis, in seconds: whole seconds, then round minutes and hours. */
const TIME_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 43200, 86400];

/**
 * Seconds of audio as a time-axis label: `42 s`, `3:05`, `1:02:03`.
 *
 * ## Example
 * ```ts
 * formatAudioTime(185); // '3:05'
 * ```
 */
export function formatAudioTime(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const pad = (v: number) => String(v).padStart(2, '0');
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
}

const plots = new WeakMap<HTMLElement, uPlot>();

/** uPlot draws its tick labels on a canvas: they are also kept as `data-ticks-x`/`-y` for tests and tools. */
function ticks(container: HTMLElement, axis: 'x' | 'y', labels: string[]): string[] {
  container.dataset[axis === 'x' ? 'ticksX' : 'ticksY'] = labels.join(' · ');
  return labels;
}

/**
 * Draws a curve against the stream's audio time with uPlot into `container` (created on the
 * first call, its data replaced on later ones, resized with the container). NaN values are gaps.
 *
 * @param container - an empty element; its width sets the plot's.
 * @param seconds - x: audio time of each point, increasing.
 * @param values - y, one per point.
 * @param style - name, colour, range and tick format.
 */
export function drawTrainingPlot(container: HTMLElement, seconds: readonly number[], values: readonly number[], style: TrainingPlotStyle): void {
  const data: uPlot.AlignedData = [Array.from(seconds), values.map((v) => (Number.isFinite(v) ? v : null))];
  const existing = plots.get(container);
  if (existing) {
    existing.setData(data);
    return;
  }
  const width = Math.max(200, container.clientWidth);
  const plot = new uPlot(
    {
      width,
      height: HEIGHT,
      legend: { show: false },
      cursor: { show: true, points: { show: false }, drag: { x: false, y: false } },
      scales: {
        x: { time: false },
        y: { range: (_u, _lo, hi) => [style.min, style.max ?? Math.max(style.min + 1, hi * 1.1)] },
      },
      axes: [
        { ...AXIS, label: 'audio time', labelSize: 18, size: 34, incrs: TIME_STEPS, values: (_u, splits) => ticks(container, 'x', splits.map(formatAudioTime)), font: '11px system-ui, sans-serif', labelFont: '11px system-ui, sans-serif' },
        { ...AXIS, size: 54, values: (_u, splits) => ticks(container, 'y', splits.map(style.format)), font: '11px system-ui, sans-serif' },
      ],
      series: [{ label: 'audio time' }, { label: style.label, stroke: style.color, width: 2, spanGaps: false, points: { show: false } }],
    },
    data,
    container,
  );
  plots.set(container, plot);
  new ResizeObserver(() => {
    const w = Math.max(200, container.clientWidth);
    if (w !== plot.width) plot.setSize({ width: w, height: HEIGHT });
  }).observe(container);
}
