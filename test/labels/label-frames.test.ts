import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { labelFrames } from '../../src/labels/label-frames.ts';

describe('labelFrames', () => {
  it('labels each frame by the phone at its centre, sample 160 i + 200', () => {
    // Centres at 200, 360, 520, 680, 840 samples = 12.5, 22.5, 32.5, 42.5, 52.5 ms.
    const segs = [
      { start: 0, end: 0.02, phone: 'a' },
      { start: 0.02, end: 0.0325, phone: 'b' }, // ends exactly on frame 2's centre: frame 2 is not b
      { start: 0.0325, end: 0.05, phone: 'c' },
    ];
    assert.deepEqual(labelFrames(segs, 5), ['a', 'b', 'c', 'c', 'sil']);
  });

  it('gives sil to frames in gaps, before the first and after the last segment', () => {
    const segs = [{ start: 0.02, end: 0.03, phone: 'x' }, { start: 0.05, end: 0.06, phone: 'y' }];
    assert.deepEqual(labelFrames(segs, 6), ['sil', 'x', 'sil', 'sil', 'y', 'sil']);
    assert.deepEqual(labelFrames([], 2), ['sil', 'sil']);
  });

  it('is not fooled by binary rounding of boundaries (2.0125 s × 16000 = 32200.000000000004)', () => {
    // Frame 200's centre is sample 160 × 200 + 200 = 32200 = 2.0125 s exactly: the boundary, so it is b's.
    assert.ok(2.0125 * 16000 > 32200);
    const segs = [{ start: 0, end: 2.0125, phone: 'a' }, { start: 2.0125, end: 3, phone: 'b' }];
    const labels = labelFrames(segs, 202);
    assert.deepEqual(labels.slice(198), ['a', 'a', 'b', 'b']);
  });

  it('uses the geometry given (sample rate, hop, window)', () => {
    const segs = [{ start: 0, end: 0.5, phone: 'a' }, { start: 0.5, end: 1, phone: 'b' }];
    // 8 kHz, hop 800 (0.1 s), window 1600: centres at 0.1, 0.2, … 0.5 s.
    assert.deepEqual(labelFrames(segs, 6, { sampleRate: 8000, hop: 800, window: 1600 }), ['a', 'a', 'a', 'a', 'b', 'b']);
  });
});
