import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chooseLr } from '../../src/study/choose-lr.ts';
import { estimateRunSeconds } from '../../src/study/estimate-run-seconds.ts';
import { meanAndSpread } from '../../src/study/mean-and-spread.ts';
import type { StudyRun } from '../../src/study/study-results.ts';

describe('meanAndSpread', () => {
  it('should give the mean and sample standard deviation of the finite values', () => {
    assert.deepEqual(meanAndSpread([1, 2, 3]), { mean: 2, sd: 1, n: 3 });
    assert.deepEqual(meanAndSpread([4, null, NaN]), { mean: 4, sd: null, n: 1 });
    assert.deepEqual(meanAndSpread([]), { mean: null, sd: null, n: 0 });
  });
});

describe('chooseLr', () => {
  it('should take the best validation accuracy, the first on ties, never a failed run', () => {
    const v = (lr: number, acc: number | null) => ({ lr, figures: acc === null ? null : { heldOutAccuracy: acc } });
    assert.equal(chooseLr([v(1e-3, 0.4), v(3e-4, 0.5), v(1e-4, 0.5)]), 3e-4);
    assert.equal(chooseLr([v(1e-3, null), v(3e-4, 0.1)]), 3e-4);
    assert.equal(chooseLr([v(1e-3, null)]), null);
  });
});

describe('estimateRunSeconds', () => {
  const run = (wallSeconds: number, frames: number, utterances: number): StudyRun => ({
    point: 'p',
    role: 'final',
    seed: 1,
    lr: 1e-3,
    wallSeconds,
    figures: { frames, utterances } as StudyRun['figures'],
  });
  it('should scale the wall seconds per frame of the same kind by the frames the run will train', () => {
    const done = [
      { kind: 'fast', run: run(10, 1000, 10) },
      { kind: 'slow', run: run(100, 1000, 10) },
    ];
    // 0.01 s/frame × 100 frames/file × 20 files
    assert.equal(estimateRunSeconds(done, 'fast', 20), 20);
    assert.equal(estimateRunSeconds(done, 'slow', 20), 200);
    // an unseen kind: the rate of all runs (110 s / 2000 frames)
    assert.ok(Math.abs(estimateRunSeconds(done, 'new', 20)! - 110) < 1e-9);
    assert.equal(estimateRunSeconds([], 'fast', 20), undefined);
  });
});
