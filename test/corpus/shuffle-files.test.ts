import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { shuffleFiles } from '../../src/corpus/shuffle-files.ts';

const items = Array.from({ length: 20 }, (_, i) => `f${i}`);

describe('shuffleFiles', () => {
  it('should give the same order for the same seed and keep every item', () => {
    const a = shuffleFiles(items, 3);
    assert.deepEqual(a, shuffleFiles(items, 3));
    assert.deepEqual([...a].sort(), [...items].sort());
    assert.notDeepEqual(a, items, 'a shuffle of 20 items is not the identity');
  });
  it('should give different orders for different seeds', () => {
    assert.notDeepEqual(shuffleFiles(items, 1), shuffleFiles(items, 2));
  });
  it('should not change its input', () => {
    const copy = [...items];
    shuffleFiles(items, 5);
    assert.deepEqual(items, copy);
  });
});
