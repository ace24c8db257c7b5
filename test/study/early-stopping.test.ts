import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { earlyStopping } from '../../src/study/early-stopping.ts';

describe('earlyStopping', () => {
  it('should go on while the validation score improves, and keep the latest best', () => {
    assert.deepEqual(earlyStopping([], 3, 10), { bestEpoch: 0, stop: false });
    assert.deepEqual(earlyStopping([0.3], 3, 10), { bestEpoch: 1, stop: false });
    assert.deepEqual(earlyStopping([0.3, 0.4, 0.5], 3, 10), { bestEpoch: 3, stop: false });
  });

  it('should stop after patience epochs without a strictly better score, keeping the first of equals', () => {
    assert.deepEqual(earlyStopping([0.4, 0.5, 0.49], 2, 10), { bestEpoch: 2, stop: false });
    assert.deepEqual(earlyStopping([0.4, 0.5, 0.49, 0.48], 2, 10), { bestEpoch: 2, stop: true, reason: 'patience' });
    assert.deepEqual(earlyStopping([0.4, 0.5, 0.5, 0.5], 2, 10), { bestEpoch: 2, stop: true, reason: 'patience' }, 'an equal score is no improvement');
    assert.deepEqual(earlyStopping([0.4, 0.5, 0.3, 0.6], 2, 10), { bestEpoch: 4, stop: false }, 'a new best restarts the count');
    assert.deepEqual(earlyStopping([0.5, 0.4], 1, 10), { bestEpoch: 1, stop: true, reason: 'patience' });
  });

  it('should stop at maxEpochs whatever the scores', () => {
    assert.deepEqual(earlyStopping([0.1, 0.2], 5, 2), { bestEpoch: 2, stop: true, reason: 'max-epochs' });
    assert.deepEqual(earlyStopping([0.1], 5, 1), { bestEpoch: 1, stop: true, reason: 'max-epochs' });
  });

  it('should refuse a patience or maxEpochs below 1, and a NaN score', () => {
    assert.throws(() => earlyStopping([0.1], 0, 10), /patience/);
    assert.throws(() => earlyStopping([0.1], 1, 0), /maxEpochs/);
    assert.throws(() => earlyStopping([0.1, NaN], 1, 10), /NaN/);
  });
});
