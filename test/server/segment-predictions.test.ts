import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { lastValueFrom, of, toArray } from 'rxjs';
import type { LearnerEvent } from '../../src/learner/learner-event.ts';
import type { WireSegment } from '../../src/server/messages.ts';
import { PhoneSegmenter, segmentPredictions } from '../../src/server/segment-predictions.ts';

const GEOMETRY = { sampleRate: 16000, hopSize: 160, windowSize: 400 };
const frames = (labels: string, from = 0, p = 0.5) => [...labels].map((label, k) => ({ index: from + k, label, p }));
const brief = (segments: WireSegment[]) => segments.map((s) => `${s.phone}${s.i}+${s.n}${s.final ? '' : '?'}`);

describe('PhoneSegmenter', () => {
  it('collapses runs of the same argmax phone; the latest run is partial until another phone or the end', () => {
    const s = new PhoneSegmenter(GEOMETRY);
    assert.deepEqual(brief(s.push(frames('aa'))), ['a0+2?']);
    assert.deepEqual(brief(s.push(frames('ab', 2))), ['a0+3', 'b3+1?']);
    assert.deepEqual(brief(s.push(frames('bbcc', 4))), ['b3+3', 'c6+2?']);
    assert.deepEqual(brief(s.push([])), ['c6+2?'], 'no frames: the partial segment again');
    assert.deepEqual(brief(s.finish()), ['c6+2']);
    assert.deepEqual(brief([...s.finals]), ['a0+3', 'b3+3', 'c6+2']);
    assert.equal(s.truncated, false);
  });

  it('times a segment by the boundaries halfway between frame centres, the first from 0; p is the mean', () => {
    const s = new PhoneSegmenter(GEOMETRY);
    s.push([
      { index: 0, label: 'sil', p: 0.9 },
      { index: 1, label: 'sil', p: 0.7 },
      { index: 2, label: 'aa', p: 0.61234 },
    ]);
    s.finish();
    // frame i is centred at 10·i + 12.5 ms: the boundary between frames 1 and 2 lies at 27.5 ms
    assert.deepEqual(s.finals, [
      { phone: 'sil', start: 0, end: 0.0275, p: 0.8, final: true, i: 0, n: 2 },
      { phone: 'aa', start: 0.0275, end: 0.0375, p: 0.6123, final: true, i: 2, n: 1 },
    ]);
  });

  it('ends a segment at a gap in the frame indices', () => {
    const s = new PhoneSegmenter(GEOMETRY);
    assert.deepEqual(brief(s.push([...frames('aa'), ...frames('a', 5)])), ['a0+2', 'a5+1?']);
  });

  it('keeps at most maxFinal final segments for end, and says it truncated', () => {
    const s = new PhoneSegmenter(GEOMETRY, 2);
    assert.equal(s.push(frames('abcd')).length, 4, 'every segment is still reported live');
    s.finish();
    assert.deepEqual(brief([...s.finals]), ['a0+1', 'b1+1']);
    assert.equal(s.truncated, true);
  });

  it('property: however the frames are batched, finals tile the frames in order, never change, and equal finals', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('a', 'b', 'c'), { minLength: 1, maxLength: 200 }),
        fc.array(fc.integer({ min: 0, max: 12 }), { maxLength: 40 }),
        (labels, cuts) => {
          const all = labels.map((label, index) => ({ index, label, p: ((index * 7) % 10) / 10 }));
          const s = new PhoneSegmenter(GEOMETRY);
          const finals: WireSegment[] = [];
          let partial: WireSegment | undefined;
          let at = 0;
          for (const cut of [...cuts, all.length]) {
            const batch = all.slice(at, at + cut);
            at += batch.length;
            const out = s.push(batch);
            if (batch.length === 0 && out.length === 0) continue;
            // every message: finals, then exactly one partial holding the latest frame
            assert.equal(out.at(-1)!.final, false);
            assert.equal(out.at(-1)!.i + out.at(-1)!.n, at);
            assert.ok(out.slice(0, -1).every((x) => x.final));
            if (partial && out[0].i !== partial.i) assert.fail('a new message starts where the partial segment started');
            finals.push(...out.slice(0, -1));
            partial = out.at(-1);
          }
          finals.push(...s.finish());
          assert.deepEqual(finals, [...s.finals]);
          // contiguous, ordered, covering every frame, each a maximal run of one phone
          assert.equal(finals[0].start, 0);
          for (let k = 0; k < finals.length; k += 1) {
            const seg = finals[k];
            assert.ok(seg.end > seg.start);
            if (k > 0) {
              assert.equal(seg.start, finals[k - 1].end);
              assert.equal(seg.i, finals[k - 1].i + finals[k - 1].n);
              assert.notEqual(seg.phone, finals[k - 1].phone);
            }
            assert.ok(labels.slice(seg.i, seg.i + seg.n).every((l) => l === seg.phone));
            const meanP = all.slice(seg.i, seg.i + seg.n).reduce((a, f) => a + f.p, 0) / seg.n;
            assert.ok(Math.abs(seg.p - meanP) <= 5e-5);
          }
          assert.equal(finals.at(-1)!.i + finals.at(-1)!.n, labels.length);
        },
      ),
    );
  });
});

describe('segmentPredictions', () => {
  it('follows each predictions event with segments, and ends with the last one final and end carrying them all', async () => {
    const pred = (labels: string, from: number): LearnerEvent => ({
      kind: 'predictions',
      stream: 's1',
      frames: frames(labels, from).map((f) => ({ ...f, t: f.index / 100, top: [] })),
    });
    const events = await lastValueFrom(
      of<LearnerEvent[]>(
        pred('aab', 0),
        { kind: 'metrics', stream: 's1', frames: 3, labelledFrames: 0, chunkLoss: null, loss: null, skippedUpdates: 0, accuracy: null, framesPerSecond: 1 },
        pred('bc', 3),
        { kind: 'end', stream: 's1', frames: 5 },
      ).pipe(segmentPredictions('s1', GEOMETRY), toArray()),
    );
    const shape = events.map((e) => ('kind' in e ? e.kind : e.type === 'segments' ? brief(e.segments).join(' ') : e.type));
    assert.deepEqual(shape, ['predictions', 'a0+2 b2+1?', 'metrics', 'predictions', 'b2+2 c4+1?', 'c4+1', 'end']);
    const end = events.at(-1)!;
    assert.ok('type' in end && end.type === 'end');
    assert.deepEqual({ ...end, segments: brief(end.segments!) }, { type: 'end', stream: 's1', frames: 5, segments: ['a0+2', 'b2+2', 'c4+1'], truncated: false });
  });

  it('leaves an utterance end (a replay moving on) alone', async () => {
    const events = await lastValueFrom(of<LearnerEvent>({ kind: 'end', stream: 's1', utterance: 'u1', frames: 5 }).pipe(segmentPredictions('s1', GEOMETRY), toArray()));
    assert.deepEqual(events, [{ kind: 'end', stream: 's1', utterance: 'u1', frames: 5 }]);
  });
});
