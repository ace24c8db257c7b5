import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { concatMap, from, lastValueFrom, toArray } from 'rxjs';
import { listCorpus } from '../../src/corpus/list-corpus.ts';
import { loadUtterance } from '../../src/corpus/load-utterance.ts';
import type { PreparedUtterance } from '../../src/corpus/prepared-utterance.ts';
import type { Utterance } from '../../src/corpus/utterance.ts';
import { DEFAULT_FEATURE_CONFIG, type FeatureConfig } from '../../src/features/feature-config.ts';
import { featureDims } from '../../src/features/feature-dims.ts';
import { frameCount } from '../../src/features/frame-count.ts';
import type { FeatureFrame, FrameEvent } from '../../src/features/frame-event.ts';
import { preparedToFrameEvents } from '../../src/features/prepared-to-frame-events.ts';
import { RunningStats } from '../../src/features/running-stats.ts';
import { unnormalizedFeatures } from '../../src/features/unnormalized-features.ts';
import { utteranceToFrameEvents } from '../../src/features/utterance-to-frame-events.ts';

/** What a feature worker hands back for `u`, computed here on the main thread. */
const prepare = (u: Utterance, cfg: FeatureConfig): PreparedUtterance => ({
  id: u.id,
  audioPath: u.audioPath,
  labelPath: u.labelPath,
  segments: u.segments,
  frames: frameCount(u.audio.samples.length, cfg.windowSize, cfg.hopSize),
  features: unnormalizedFeatures(u.audio.samples, cfg, u.audioPath),
});

/** Events with the features as their bytes, so equality is bit-identity, not closeness. */
const bits = (events: FrameEvent[]) =>
  events.map((e) => (e.kind === 'frame' ? { ...e, features: Buffer.from(e.features.buffer, e.features.byteOffset, e.features.byteLength).toString('hex') } : e));

const utterances = async (n: number) => {
  const { entries } = await listCorpus('fixtures/corpus');
  return Promise.all(entries.slice(0, n).map((e) => loadUtterance(e)));
};

describe('preparedToFrameEvents', () => {
  for (const [name, cfg] of [
    ['running normalisation, 26 dims', DEFAULT_FEATURE_CONFIG],
    ['running normalisation, 39 dims', { ...DEFAULT_FEATURE_CONFIG, deltaOrder: 2 }],
    ['no normalisation', { ...DEFAULT_FEATURE_CONFIG, normalization: { kind: 'none' } }],
  ] as [string, FeatureConfig][]) {
    it(`gives utteranceToFrameEvents' events bit for bit over utterances in order, statistics carried across (${name})`, async () => {
      const us = await utterances(3);
      const direct = new RunningStats(featureDims(cfg));
      const viaPrepared = new RunningStats(featureDims(cfg));
      const expected = await lastValueFrom(from(us).pipe(concatMap((u) => utteranceToFrameEvents(u, cfg, { stream: 's', runningStats: direct })), toArray()));
      const actual = await lastValueFrom(
        from(us.map((u) => prepare(u, cfg))).pipe(concatMap((u) => preparedToFrameEvents(u, cfg, { stream: 's', runningStats: viaPrepared })), toArray()),
      );
      assert.ok(expected.filter((e) => e.kind === 'frame').length > 1000, 'enough frames to pass the warm-up');
      assert.deepEqual(bits(actual), bits(expected));
      assert.deepEqual(viaPrepared.toJSON(), direct.toJSON());
      if (cfg.normalization.kind === 'running') assert.equal(direct.count, expected.filter((e) => e.kind === 'frame').length, 'the shared statistics saw every frame');
    });
  }

  it('with fixed statistics, gives the same events as utteranceToFrameEvents', async () => {
    const [u] = await utterances(1);
    const dims = featureDims(DEFAULT_FEATURE_CONFIG);
    const stats = { dims, frames: 1000, mean: Array.from({ length: dims }, (_, d) => d / 10), variance: Array.from({ length: dims }, (_, d) => 1 + d) };
    const cfg: FeatureConfig = { ...DEFAULT_FEATURE_CONFIG, normalization: { kind: 'fixed', stats } };
    const expected = await lastValueFrom(utteranceToFrameEvents(u, cfg).pipe(toArray()));
    const actual = await lastValueFrom(preparedToFrameEvents(prepare(u, cfg), cfg).pipe(toArray()));
    assert.deepEqual(bits(actual), bits(expected));
  });

  it('labels each frame, ends with the utterance id and frame count', async () => {
    const [u] = await utterances(1);
    const events = await lastValueFrom(preparedToFrameEvents(prepare(u, DEFAULT_FEATURE_CONFIG), DEFAULT_FEATURE_CONFIG, { stream: 'x' }).pipe(toArray()));
    const frames = events.filter((e): e is FeatureFrame => e.kind === 'frame');
    const n = frameCount(u.audio.samples.length, 400, 160);
    assert.equal(frames.length, n);
    assert.deepEqual(events.at(-1), { kind: 'end', stream: 'x', utterance: u.id, frames: n });
    assert.ok(frames.every((f, i) => f.index === i && f.t === i / 100 && typeof f.label === 'string' && f.stream === 'x'));
  });
});
