import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Subject } from 'rxjs';
import type { LearnerEvent } from '../../src/learner/learner-event.ts';
import { coalescePredictions } from '../../src/server/coalesce-predictions.ts';

const pred = (stream: string, i: number): LearnerEvent => ({
  kind: 'predictions',
  stream,
  frames: [{ index: i, t: i / 100, label: 'aa', p: 1, top: [['aa', 1]] }],
});
const indices = (e: LearnerEvent) => (e.kind === 'predictions' ? e.frames.map((f) => f.index) : e.kind);

describe('coalescePredictions', () => {
  it('merges a synchronous burst of one stream into one event on the next microtask', async () => {
    const source = new Subject<LearnerEvent>();
    const out: LearnerEvent[] = [];
    source.pipe(coalescePredictions()).subscribe((e) => out.push(e));
    const first = pred('s1', 0);
    source.next(first);
    source.next(pred('s1', 1));
    source.next(pred('s1', 2));
    assert.equal(out.length, 0, 'held until the burst is over');
    await Promise.resolve();
    assert.deepEqual(out.map(indices), [[0, 1, 2]]);
    assert.deepEqual(indices(first), [0], "the source's event is not mutated");
    source.next(pred('s1', 3));
    await Promise.resolve();
    assert.deepEqual(out.map(indices), [[0, 1, 2], [3]]);
  });

  it('keeps the order: other events and other streams release the pending predictions first', async () => {
    const source = new Subject<LearnerEvent>();
    const out: LearnerEvent[] = [];
    let completed = false;
    source.pipe(coalescePredictions()).subscribe({ next: (e) => out.push(e), complete: () => (completed = true) });
    source.next(pred('s1', 0));
    source.next(pred('s2', 0));
    source.next(pred('s2', 1));
    source.next({ kind: 'end', stream: 's2', frames: 2 });
    source.next(pred('s1', 1));
    source.complete();
    assert.deepEqual(
      out.map((e) => [e.stream, indices(e)]),
      [['s1', [0]], ['s2', [0, 1]], ['s2', 'end'], ['s1', [1]]],
    );
    assert.ok(completed);
    await Promise.resolve();
    assert.equal(out.length, 4, 'nothing released twice');
  });

  it('emits nothing after unsubscribe', async () => {
    const source = new Subject<LearnerEvent>();
    const out: LearnerEvent[] = [];
    const sub = source.pipe(coalescePredictions()).subscribe((e) => out.push(e));
    source.next(pred('s1', 0));
    sub.unsubscribe();
    await Promise.resolve();
    assert.equal(out.length, 0);
    assert.equal(source.observed, false);
  });
});
