import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TokenBucket } from '../../src/server/token-bucket.ts';

describe('TokenBucket', () => {
  it('allows a burst up to its capacity, then refills at its rate, never beyond capacity', () => {
    let ms = 0;
    const bucket = new TokenBucket(10, 5, () => ms);
    assert.deepEqual([1, 2, 3, 4, 5, 6].map(() => bucket.take(1)), [true, true, true, true, true, false]);
    ms += 100; // 0.1 s at 10/s: one token
    assert.equal(bucket.take(1), true);
    assert.equal(bucket.take(1), false);
    ms += 60_000; // a long pause refills to capacity only
    assert.equal(bucket.take(5), true);
    assert.equal(bucket.take(1), false);
  });

  it('refuses a take larger than what it holds without taking anything', () => {
    let ms = 0;
    const bucket = new TokenBucket(1000, 1000, () => ms);
    assert.equal(bucket.take(600), true);
    assert.equal(bucket.take(600), false);
    assert.equal(bucket.take(400), true, 'the refused take left the 400 tokens in place');
  });
});
