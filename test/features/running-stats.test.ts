import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RunningStats } from '../../src/features/running-stats.ts';

describe('RunningStats', () => {
  it('should match the two-pass mean and population variance', () => {
    const rows = Array.from({ length: 500 }, (_, i) => [Math.sin(i) * 3 + 1e4, i % 7, -i / 10]);
    const s = new RunningStats(3);
    rows.forEach((r) => s.add(r));
    for (let d = 0; d < 3; d++) {
      const mean = rows.reduce((a, r) => a + r[d], 0) / rows.length;
      const variance = rows.reduce((a, r) => a + (r[d] - mean) ** 2, 0) / rows.length;
      assert.ok(Math.abs(s.mean[d] - mean) < 1e-9 * (1 + Math.abs(mean)), `mean ${d}`);
      assert.ok(Math.abs(s.variance(d) - variance) < 1e-8 * (1 + variance), `variance ${d}`);
    }
    const json = s.toJSON();
    assert.equal(json.frames, 500);
    assert.equal(json.dims, 3);
    assert.equal(json.variance.length, 3);
  });

  it('should refuse a vector of the wrong length', () => {
    assert.throws(() => new RunningStats(2).add([1]), /expected 2 values, got 1/);
  });

  it('should clone into an independent copy that continues exactly like the original', () => {
    const s = new RunningStats(2);
    [[1, 2], [3, 5], [4, -1]].forEach((r) => s.add(r));
    const copy = s.clone();
    assert.deepEqual(copy.toJSON(), s.toJSON());
    copy.add([10, 10]);
    s.add([10, 10]);
    assert.deepEqual(copy.toJSON(), s.toJSON(), 'the same next step gives bit-identical statistics');
    copy.add([-7, 0]);
    assert.equal(s.count, 4, 'the original does not see the copy\'s vectors');
    assert.notDeepEqual(copy.toJSON(), s.toJSON());
  });

  it('should add and normalise in one pass exactly as addAt then (x − mean) / sqrt(variance + floor)', () => {
    const dims = 26;
    const frames = Float32Array.from({ length: 300 * dims }, (_, i) => 40 * Math.sin(i * 0.37) + (i % 11) - 5 + 1e3 * Math.cos(i % dims));
    const a = new RunningStats(dims);
    const b = new RunningStats(dims);
    const fused = new Float32Array(frames.length);
    const reference = new Float32Array(frames.length);
    for (let j = 0; j < 300; j++) {
      a.addAndNormalizeAt(frames, j * dims, 1e-8, fused, j * dims);
      b.addAt(frames, j * dims);
      for (let d = 0; d < dims; d++) reference[j * dims + d] = (frames[j * dims + d] - b.mean[d]) / Math.sqrt(b.variance(d) + 1e-8);
    }
    assert.deepEqual(new Uint32Array(fused.buffer), new Uint32Array(reference.buffer));
    assert.deepEqual(a.toJSON(), b.toJSON());
  });
});
