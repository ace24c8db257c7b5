import { beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TestScheduler } from 'rxjs/testing';
import type { TimedFeatures } from '../../src/features/to-feature-frames.ts';
import { toLiveFrameEvents } from '../../src/server/to-live-frame-events.ts';

const geometry = { sampleRate: 16000, hopSize: 160, windowSize: 400 };
const f = (index: number): TimedFeatures => ({ index, t: index / 100, features: new Float32Array([index]) });

describe('toLiveFrameEvents', () => {
  let ts: TestScheduler;
  beforeEach(() => {
    ts = new TestScheduler((actual, expected) => assert.deepEqual(actual, expected));
  });

  it('wraps each vector as an unlabelled frame and ends with the frame count on completion', () => {
    ts.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('a 9ms b 9ms c|', { a: f(0), b: f(1), c: f(2) });
      const frame = (i: number) => ({ kind: 'frame', stream: 's1', index: i, t: i / 100, features: new Float32Array([i]) });
      expectObservable(source.pipe(toLiveFrameEvents('s1', undefined, geometry))).toBe('a 9ms b 9ms c(e|)', {
        a: frame(0),
        b: frame(1),
        c: frame(2),
        e: { kind: 'end', stream: 's1', frames: 3 },
      });
      expectSubscriptions(source.subscriptions).toBe('^ 20ms !');
    });
  });

  it('ends an empty stream with zero frames', () => {
    ts.run(({ cold, expectObservable }) => {
      expectObservable(cold<TimedFeatures>('--|').pipe(toLiveFrameEvents('s2', [], geometry))).toBe('--(e|)', {
        e: { kind: 'end', stream: 's2', frames: 0 },
      });
    });
  });

  it('labels frames by their centre and leaves frames past the last segment unlabelled', () => {
    // Frame centres: 12.5, 22.5, 32.5, 42.5 ms. Segments end at 30 ms: frames 0 and 1 are labelled.
    const labels = [
      { start: 0, end: 0.02, phone: 'hh' },
      { start: 0.02, end: 0.03, phone: 'ay' },
    ];
    ts.run(({ cold, expectObservable }) => {
      const out = cold('(abcd|)', { a: f(0), b: f(1), c: f(2), d: f(3) }).pipe(toLiveFrameEvents('s3', labels, geometry));
      const frame = (i: number, label?: string) => ({
        kind: 'frame',
        stream: 's3',
        index: i,
        t: i / 100,
        features: new Float32Array([i]),
        ...(label && { label }),
      });
      expectObservable(out).toBe('(abcde|)', {
        a: frame(0, 'hh'),
        b: frame(1, 'ay'),
        c: frame(2),
        d: frame(3),
        e: { kind: 'end', stream: 's3', frames: 4 },
      });
    });
  });

  it('passes errors on without an end', () => {
    ts.run(({ cold, expectObservable }) => {
      expectObservable(cold<TimedFeatures>('a#', { a: f(0) }).pipe(toLiveFrameEvents('s4', undefined, geometry))).toBe('a#', {
        a: { kind: 'frame', stream: 's4', index: 0, t: 0, features: new Float32Array([0]) },
      });
    });
  });
});
