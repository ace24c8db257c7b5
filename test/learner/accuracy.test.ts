import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { from, lastValueFrom, toArray } from 'rxjs';
import { listCorpus } from '../../src/corpus/list-corpus.ts';
import { loadUtterance } from '../../src/corpus/load-utterance.ts';
import type { FrameEvent } from '../../src/features/frame-event.ts';
import { DEFAULT_FEATURE_CONFIG } from '../../src/features/feature-config.ts';
import { utteranceToFrameEvents } from '../../src/features/utterance-to-frame-events.ts';
import { discoverPhoneSet } from '../../src/labels/discover-phone-set.ts';
import { learnOnline } from '../../src/learner/learn-online.ts';
import type { LearnerEvent } from '../../src/learner/learner-event.ts';
import { OnlineLearner } from '../../src/learner/online-learner.ts';
import { selectBackend } from '../../src/learner/select-backend.ts';
import { accuracyPerUtterance } from './engine-helpers.ts';

let utterance: Awaited<ReturnType<typeof loadUtterance>>;
let frameEvents: FrameEvent[];
before(async () => {
  await selectBackend();
  const { entries } = await listCorpus(new URL('../../fixtures/corpus', import.meta.url).pathname);
  utterance = await loadUtterance(entries.find((e) => e.id.endsWith('LJ001-0002'))!);
  // The features helper's operators: 26 MFCC-based features per 10 ms frame, labelled, then the end marker.
  frameEvents = await lastValueFrom(utteranceToFrameEvents(utterance, DEFAULT_FEATURE_CONFIG).pipe(toArray()));
});

describe('online learning on a real fixture utterance', () => {
  it('the running accuracy (pass 1: prequential; later passes: on frames already learned from) rises from chance to well above it over 6 repetitions of LJ001-0002', async () => {
    const phones = discoverPhoneSet([utterance.segments]);
    const learner = new OnlineLearner({ inputSize: 26, phones, hiddenSize: 32, k1: 10, k2: 10, lr: 1e-2 });
    const stream = learner.openStream('replay', { train: true });
    const reps = 6;
    const events = await lastValueFrom(
      from(Array.from({ length: reps }, () => frameEvents).flat()).pipe(
        learnOnline(stream),
        toArray(),
      ),
    );
    // Per repetition: the share of frames whose prediction (made before learning from it) was right.
    const accuracy = accuracyPerUtterance(events as LearnerEvent[]);
    const majority = Math.max(...phones.map((p) => utterance.segments.filter((s) => s.phone === p).reduce((n, s) => n + s.end - s.start, 0))) /
      (utterance.segments.at(-1)!.end - utterance.segments[0].start);
    assert.equal(accuracy.length, reps);
    assert.ok(accuracy[0] < 0.25, `first pass ${accuracy[0]} should be near chance (1/${phones.length})`);
    assert.ok(majority < 0.5, `the majority phone's share ${majority.toFixed(2)}: a constant guess would score that`);
    assert.ok(accuracy[reps - 1] > 0.7, `last pass ${accuracy[reps - 1]} should be well above chance`);
    assert.ok(accuracy[reps - 1] > majority + 0.3, `last pass ${accuracy[reps - 1]} should beat always guessing the majority phone (${majority.toFixed(2)}) by far`);
    const metrics = events.filter((e) => e.kind === 'metrics').at(-1)!;
    assert.ok(metrics.kind === 'metrics' && metrics.accuracy! > accuracy[0]);
    learner.dispose();
  });
});
