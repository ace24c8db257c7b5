import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfusionCounts } from '../../src/metrics/confusion-counts.ts';

describe('ConfusionCounts', () => {
  it('should score frames and list the most frequent confusions first', () => {
    const c = new ConfusionCounts();
    assert.equal(c.accuracy(), null);
    for (const [t, p] of [['aa', 'aa'], ['aa', 'ah'], ['aa', 'ah'], ['s', 'z'], ['s', 's'], ['ah', 'aa']]) c.add(t, p);
    assert.equal(c.frames, 6);
    assert.equal(c.accuracy(), 2 / 6);
    assert.deepEqual(c.topConfusions(2), [['aa', 'ah', 2], ['ah', 'aa', 1]]);
  });

  it('should fold labels, turning confusions within a folded class into hits and dropping null', () => {
    const c = new ConfusionCounts();
    c.add('ao', 'aa'); // same class after folding
    c.add('q', 'aa'); // q is not scored
    c.add('ix', 'ah');
    const map: Record<string, string | null> = { ao: 'aa', ix: 'ih', q: null };
    const f = c.folded((l) => (l in map ? map[l] : l));
    assert.equal(f.frames, 2);
    assert.equal(f.accuracy(), 0.5);
    assert.deepEqual(f.topConfusions(5), [['ih', 'ah', 1]]);
  });
});
