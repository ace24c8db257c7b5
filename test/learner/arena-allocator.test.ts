import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createArenaAllocator } from '../../src/learner/kernels/arena-allocator.ts';

describe('createArenaAllocator', () => {
  it('hands out ranges from the start, refuses past the end, and counts what is held', () => {
    const a = createArenaAllocator(64, 64 + 160);
    assert.equal(a.take(64), 64);
    assert.equal(a.take(64), 128);
    assert.equal(a.take(48), undefined, 'only 32 bytes are left');
    assert.equal(a.take(32), 192);
    assert.equal(a.usedBytes, 160);
    assert.equal(a.highWaterBytes, 160);
  });

  it('reuses a freed range for a smaller request and merges neighbours', () => {
    const a = createArenaAllocator(0, 1024);
    const x = a.take(128)!;
    const y = a.take(128)!;
    const z = a.take(128)!;
    a.take(128); // keeps the top above z
    a.give(x, 128);
    a.give(z, 128);
    a.give(y, 128); // x, y and z merge into one range of 384
    assert.equal(a.take(384), 0, 'the merged range is reused from its start');
    assert.equal(a.highWaterBytes, 512, 'no fresh memory was needed');
  });

  it('lowers the top when the highest range is given back', () => {
    const a = createArenaAllocator(0, 256);
    const x = a.take(128)!;
    const y = a.take(128)!;
    a.give(y, 128);
    a.give(x, 128);
    assert.equal(a.usedBytes, 0);
    assert.equal(a.take(256), 0, 'the whole span is free again');
  });

  it('never hands out overlapping ranges (random takes and gives, seed 7)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 1, max: 16 })), { maxLength: 200 }), (ops) => {
        const a = createArenaAllocator(0, 4096);
        const held: [number, number][] = [];
        for (const [give, size] of ops) {
          if (give && held.length > 0) {
            const [off, bytes] = held.splice(size % held.length, 1)[0];
            a.give(off, bytes);
            continue;
          }
          const bytes = size * 16;
          const off = a.take(bytes);
          if (off === undefined) continue;
          assert.ok(off >= 0 && off + bytes <= 4096);
          for (const [o, b] of held) assert.ok(off + bytes <= o || o + b <= off, `[${off}, ${off + bytes}) overlaps [${o}, ${o + b})`);
          held.push([off, bytes]);
        }
        assert.equal(a.usedBytes, held.reduce((s, [, b]) => s + b, 0));
      }),
      { seed: 7, numRuns: 300 },
    );
  });
});
