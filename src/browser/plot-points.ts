/** Inner padding of a plot, in CSS pixels: room for the stroke so the line is never clipped. */
const PAD = 3;

/**
 * Maps a series to canvas coordinates for a line plot: x spreads the points evenly over the
 * width, y puts `min` at the bottom and `max` at the top (values outside are clamped, so one
 * outlier cannot push the line off the canvas). Non-finite values are skipped.
 *
 * @param values - the series, oldest first.
 * @param box - canvas size in CSS pixels and the value range shown.
 * @returns points `[x, y]` in canvas pixels, y growing downwards.
 *
 * ## Example
 * ```ts
 * toPlotPoints([0, 1], { width: 100, height: 50, min: 0, max: 1 }); // [[3, 47], [97, 3]]
 * ```
 */
export function toPlotPoints(
  values: readonly number[],
  box: { width: number; height: number; min: number; max: number },
): [number, number][] {
  const { width, height, min, max } = box;
  const span = max - min || 1;
  const step = values.length > 1 ? (width - 2 * PAD) / (values.length - 1) : 0;
  const points: [number, number][] = [];
  values.forEach((v, k) => {
    if (!Number.isFinite(v)) return;
    const unit = Math.min(1, Math.max(0, (v - min) / span));
    points.push([PAD + k * step, PAD + (1 - unit) * (height - 2 * PAD)]);
  });
  return points;
}
