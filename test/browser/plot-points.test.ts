import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toPlotPoints } from '../../src/browser/plot-points.ts';

describe('toPlotPoints', () => {
  const box = { width: 106, height: 56, min: 0, max: 1 };

  it('spreads points over the width (3 px padding) with min at the bottom and max at the top', () => {
    assert.deepEqual(toPlotPoints([0, 0.5, 1], box), [
      [3, 53],
      [53, 28],
      [103, 3],
    ]);
  });

  it('clamps values outside the range to the edges', () => {
    assert.deepEqual(
      toPlotPoints([-5, 7], box).map(([, y]) => y),
      [53, 3],
    );
  });

  it('skips non-finite values but keeps the x of the others', () => {
    assert.deepEqual(toPlotPoints([0, NaN, 1], box), [
      [3, 53],
      [103, 3],
    ]);
  });

  it('draws a single point at the left, and nothing for an empty series', () => {
    assert.deepEqual(toPlotPoints([1], box), [[3, 3]]);
    assert.deepEqual(toPlotPoints([], box), []);
  });

  it('survives an empty range (min = max) without dividing by zero', () => {
    const points = toPlotPoints([2, 2], { ...box, min: 2, max: 2 });
    assert.ok(points.every(([x, y]) => Number.isFinite(x) && Number.isFinite(y)));
  });
});
