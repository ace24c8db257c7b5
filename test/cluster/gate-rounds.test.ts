import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { lastValueFrom, range, toArray, concatMap, from, map, of } from 'rxjs';
import { gateRounds } from '../../src/cluster/gate-rounds.ts';

describe('gateRounds', () => {
  it('should hold the events at each round and pass them all on, in order, with a constant stack', async () => {
    const n = 200_000;
    let passed = 0;
    let rounds = 0;
    let since = 0;
    const out = await lastValueFrom(
      range(0, n).pipe(
        gateRounds(() => since >= 1000, async () => {
          rounds++;
          since = 0;
          await new Promise((r) => setTimeout(r, 1));
        }),
        map((x) => (passed++, since++, x)),
        toArray(),
      ),
    );
    assert.equal(out.length, n);
    assert.ok(out.every((x, i) => x === i));
    assert.equal(passed, n);
    // a round before event 1000, 2000, …, 199000
    assert.equal(rounds, n / 1000 - 1);
  });

  it('is needed: the concatMap gate it replaces runs out of stack on a burst queued during a round', async () => {
    let since = 0;
    const old = lastValueFrom(
      range(0, 200_000).pipe(
        concatMap((x) => (since === 10 ? from(new Promise<void>((r) => setTimeout(r, 1))).pipe(map(() => ((since = 11), x))) : of(x))),
        map((x) => (since++, x)),
        toArray(),
      ),
      { defaultValue: [] },
    );
    // Either it errors with a RangeError or, as in the trainer, never completes: neither is all 200000.
    const result = await Promise.race([old.then((a) => a.length, (e: Error) => e.name), new Promise((r) => setTimeout(() => r('stalled'), 3000))]);
    assert.notEqual(result, 200_000);
  });

  it('should error the stream when a round fails', async () => {
    await assert.rejects(lastValueFrom(of(1, 2, 3).pipe(gateRounds((() => { let k = 0; return () => ++k === 2; })(), () => Promise.reject(new Error('round 1 timed out'))))), /round 1 timed out/);
  });
});
