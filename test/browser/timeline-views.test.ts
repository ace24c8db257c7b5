import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { topConfusionRows } from '../../src/browser/confusion-rows.ts';
import { tierRuns, utteranceStarts } from '../../src/browser/timeline-runs.ts';
import type { TimelineFrame } from '../../src/browser/view-state.ts';

const frame = (n: number, i: number, label: string, truth?: string): TimelineFrame => ({ n, i, label, p: 0.5, top: [], ...(truth && { truth }) });

describe('tierRuns', () => {
  it('collapses frames into runs per tier, ending runs at utterance ends and leaving unlabelled frames out of the reference tier', () => {
    const frames = [frame(0, 5, 'a', 'a'), frame(1, 6, 'a', 'b'), frame(2, 7, 'c', 'b'), frame(3, 0, 'c', 'b'), frame(4, 1, 'c'), frame(5, 2, 'c', 'b')];
    assert.deepEqual(tierRuns(frames, 'label'), [
      { phone: 'a', from: 0, to: 1 },
      { phone: 'c', from: 2, to: 2 },
      { phone: 'c', from: 3, to: 5 },
    ]);
    assert.deepEqual(tierRuns(frames, 'truth'), [
      { phone: 'a', from: 0, to: 0 },
      { phone: 'b', from: 1, to: 2 },
      { phone: 'b', from: 3, to: 3 },
      { phone: 'b', from: 5, to: 5 },
    ]);
    assert.deepEqual(utteranceStarts(frames), [3]);
    assert.deepEqual(tierRuns([], 'label'), []);
  });
});

describe('topConfusionRows', () => {
  it('lists the most frequent errors first with their share of the reference, in a stable order', () => {
    const confusion = { stream: 'replay', counts: { ae: { ae: 5, eh: 3, ih: 2 }, s: { z: 3, s: 1 }, t: { t: 4 } }, labelled: 18, correct: 10 };
    assert.deepEqual(topConfusionRows(confusion, 2), [
      { truth: 'ae', predicted: 'eh', frames: 3, ofTruth: 0.3 },
      { truth: 's', predicted: 'z', frames: 3, ofTruth: 0.75 },
    ]);
    assert.equal(topConfusionRows(confusion, 10).length, 3, 'the diagonal is no confusion');
    assert.deepEqual(topConfusionRows(undefined, 5), []);
  });
});

describe('formatAudioTime', () => {
  it('writes seconds, then minutes:seconds, then hours', async () => {
    // training-plot.ts imports uPlot, which touches the DOM only when a plot is made.
    const { formatAudioTime } = await import('../../src/browser/training-plot.ts');
    assert.deepEqual([0, 42, 60, 185, 3725].map(formatAudioTime), ['0 s', '42 s', '1:00', '3:05', '1:02:05']);
  });
});
