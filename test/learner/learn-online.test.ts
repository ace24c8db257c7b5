import { before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { catchError, map, of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import type { FrameEvent } from '../../src/features/frame-event.ts';
import { learnOnline } from '../../src/learner/learn-online.ts';
import type { LearnerEvent } from '../../src/learner/learner-event.ts';
import type { LearnerConfig } from '../../src/learner/learner-config.ts';
import { OnlineLearner } from '../../src/learner/online-learner.ts';
import { selectBackend } from '../../src/learner/select-backend.ts';
import { phoneNames, randomFrames } from './engine-helpers.ts';

const phones = phoneNames(4);
const base: LearnerConfig = { inputSize: 3, phones, hiddenSize: 5, delay: 1, optimizer: 'sgd', lr: 0.5 };
const config: LearnerConfig = { ...base, k1: 2, k2: 2 };

/** An event as a short string: predictions as their frame indices, others by kind. */
const brief = map((e: LearnerEvent) => (e.kind === 'predictions' ? e.frames.map((f) => f.index).join(',') : e.kind));

before(async () => {
  await selectBackend();
});

let scheduler: TestScheduler;
beforeEach(() => {
  scheduler = new TestScheduler((actual, expected) => assert.deepStrictEqual(actual, expected));
});

function frames(n: number, seed: number): Record<string, FrameEvent> {
  const { xs, labels } = randomFrames(n, 3, phones, seed);
  const out: Record<string, FrameEvent> = {};
  xs.forEach((features, i) => {
    out['abcdefgh'[i]] = { kind: 'frame', stream: 'src', index: i, t: i * 0.01, features, label: labels[i] ?? 'p3' };
  });
  return out;
}

describe('learnOnline operator', () => {
  it('predicts every frame, batches predictions per chunk, then metrics, and ends each utterance', () => {
    const values: Record<string, FrameEvent> = { ...frames(4, 1), E: { kind: 'end', stream: 'src', utterance: 'utt1', frames: 4 } };
    // Expected values: the same frames through a twin learner's stream, by its plain API.
    const twin = new OnlineLearner(config);
    const ts = twin.openStream('mic');
    const pushed = ['a', 'b', 'c', 'd'].map((k) => {
      const f = values[k] as Extract<FrameEvent, { kind: 'frame' }>;
      const r = ts.push(f.features, f.label, f.t);
      return { ...r, stats: { ...ts.stats }, loss: ts.loss, accuracy: ts.accuracy };
    });
    const end = ts.end();
    const metricsAt = (ms: number, chunkLoss: number | null, s: typeof pushed[number]['stats'], loss: number | null, accuracy: number | null): LearnerEvent => ({
      kind: 'metrics', stream: 'mic', frames: s.frames, labelledFrames: s.labelledFrames, chunkLoss, loss, skippedUpdates: s.skippedUpdates, accuracy, framesPerSecond: s.frames / (ms / 1000),
    });
    const expected: Record<string, LearnerEvent> = {
      p: { kind: 'predictions', stream: 'mic', frames: [pushed[1].prediction!] },
      m: metricsAt(10, pushed[1].chunk!.loss, pushed[1].stats, pushed[1].loss, pushed[1].accuracy),
      q: { kind: 'predictions', stream: 'mic', frames: [pushed[2].prediction!, pushed[3].prediction!] },
      n: metricsAt(30, pushed[3].chunk!.loss, pushed[3].stats, pushed[3].loss, pushed[3].accuracy),
      r: { kind: 'predictions', stream: 'mic', frames: end.predictions },
      o: metricsAt(40, end.chunks[0].loss, { ...ts.stats }, ts.loss, ts.accuracy),
      x: { kind: 'end', stream: 'mic', utterance: 'utt1', frames: 4 },
    };
    assert.equal(pushed[0].prediction, null, 'delay 1: the first step predicts nothing');
    assert.equal(end.chunks.length, 1);

    const learner = new OnlineLearner(config);
    const stream = learner.openStream('mic');
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('a 9ms b 9ms c 9ms d 9ms E 9ms |', values);
      const out = source.pipe(learnOnline(stream, { now: () => scheduler.now() }));
      expectObservable(out).toBe('10ms (pm) 16ms (qn) 6ms (rox) 5ms |', expected);
      expectSubscriptions(source.subscriptions).toBe('^ 49ms !');
    });
    assert.deepEqual(learner.params, twin.params, 'the operator trained exactly as the plain API');
    learner.dispose();
    twin.dispose();
  });

  it('reports frames/s over the frames of its own subscription when a stream is reused (a replay epoch)', () => {
    const learner = new OnlineLearner(config);
    const stream = learner.openStream('mic');
    const rates = (): number[] => {
      const seen: number[] = [];
      scheduler.run(({ cold }) => {
        cold('a 9ms b 9ms c 9ms d 9ms |', frames(4, 5))
          .pipe(learnOnline(stream, { now: () => scheduler.now() }))
          .subscribe((e) => e.kind === 'metrics' && seen.push(e.framesPerSecond));
      });
      return seen;
    };
    const first = rates();
    const second = rates();
    assert.equal(stream.stats.frames, 8);
    // k1 = 2: chunks close on frames 2 and 4, 10 ms and 30 ms after the first frame: 200 and 133 frames/s.
    assert.deepEqual(first.map(Math.round), [200, 133]);
    assert.deepEqual(second.map(Math.round), [200, 133]);
    learner.dispose();
  });

  it('flushes predictions every maxBatch frames when no chunk closes, and on completion', () => {
    const learner = new OnlineLearner({ ...base, preset: 'utterance', delay: 0 });
    const stream = learner.openStream('mic');
    const values = frames(5, 2);
    scheduler.run(({ cold, expectObservable }) => {
      const out = cold('abcde|', values).pipe(learnOnline(stream, { maxBatch: 2, now: () => 0 }));
      expectObservable(out.pipe(brief)).toBe('-x-y-(z|)', { x: '0,1', y: '2,3', z: '4' });
    });
    assert.equal(learner.version, 0, 'the utterance preset waits for the end marker');
    learner.dispose();
  });

  it('passes bad input on as an error and unsubscribes from the source', () => {
    const learner = new OnlineLearner(config);
    const stream = learner.openStream('mic');
    const good = frames(1, 3);
    const values: Record<string, FrameEvent> = { ...good, z: { kind: 'frame', stream: 'src', index: 1, t: 0.01, features: new Float32Array(7) } };
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('a-z-a|', values);
      const out = source.pipe(learnOnline(stream, { now: () => 0 }), catchError((e: Error) => of(`${e.name}: ${e.message}`)));
      expectObservable(out).toBe('--(e|)', { e: 'InputError: stream mic: frame 1: expected 3 features, got 7 floats' });
      expectSubscriptions(source.subscriptions).toBe('^-!');
    });
    learner.dispose();
  });

  it('unsubscribing stops the learner reading the source', () => {
    const learner = new OnlineLearner(config);
    const stream = learner.openStream('mic');
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('abcd|', frames(4, 4));
      // Delay 1 and k1 = 2: frame b closes the first chunk with frame 0's prediction.
      expectObservable(source.pipe(learnOnline(stream, { now: () => 0 }), brief), '^-!').toBe('-(pm)', { p: '0', m: 'metrics' });
      expectSubscriptions(source.subscriptions).toBe('^-!');
    });
    assert.equal(stream.stats.frames, 2, 'no frame was pushed after unsubscribing');
    learner.dispose();
  });
});
