import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { splitByFile } from '../../src/corpus/split-by-file.ts';

const items = Array.from({ length: 200 }, (_, i) => ({ id: `spk/utt-${String(i).padStart(4, '0')}` }));

describe('splitByFile', () => {
  it('should hold out about the requested fraction, the same way for the same seed', () => {
    const a = splitByFile(items, 0.1, 7);
    const b = splitByFile(items, 0.1, 7);
    assert.deepEqual(a, b);
    assert.equal(a.train.length + a.heldOut.length, 200);
    assert.ok(a.heldOut.length >= 10 && a.heldOut.length <= 32, `held out ${a.heldOut.length}`);
    assert.notDeepEqual(splitByFile(items, 0.1, 8).heldOut, a.heldOut);
  });

  it('should keep an item on its side when other items are removed', () => {
    const full = splitByFile(items, 0.2, 3);
    const half = splitByFile(items.slice(0, 100), 0.2, 3);
    for (const item of half.heldOut) assert.ok(full.heldOut.includes(item));
  });

  it('should hold out at least one of two items, and none at fraction 0', () => {
    assert.equal(splitByFile(items.slice(0, 2), 0.01, 1).heldOut.length, 1);
    assert.equal(splitByFile(items, 0, 1).heldOut.length, 0);
    assert.throws(() => splitByFile(items, 1, 1), /heldOutFraction must be in \[0, 1\), got 1/);
  });
});
