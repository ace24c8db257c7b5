import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { lastValueFrom, toArray } from 'rxjs';
import type { Utterance } from '../../src/corpus/utterance.ts';
import { DEFAULT_FEATURE_CONFIG, type FeatureConfig } from '../../src/features/feature-config.ts';
import type { FeatureFrame, FrameEvent } from '../../src/features/frame-event.ts';
import { RunningStats } from '../../src/features/running-stats.ts';
import { utteranceToFrameEvents } from '../../src/features/utterance-to-frame-events.ts';

const RAW: FeatureConfig = { ...DEFAULT_FEATURE_CONFIG, normalization: { kind: 'none' } };

function utterance(samples: number): Utterance {
  const audio = { samples: Float32Array.from({ length: samples }, (_, i) => 0.2 * Math.sin(i * 0.05)), sampleRate: 16000, source: 'a.wav' };
  return {
    id: 'spk/a',
    audioPath: 'a.wav',
    labelPath: 'a.lab',
    audio,
    segments: [
      { start: 0, end: 0.05, phone: 'sil' },
      { start: 0.05, end: 0.1, phone: 'hh' },
      { start: 0.1, end: samples / 16000, phone: 'ay' },
    ],
  };
}

describe('utteranceToFrameEvents', () => {
  it('should emit labelled frames (phone at the frame centre) then an end marker with the frame count', async () => {
    const events = await lastValueFrom(utteranceToFrameEvents(utterance(4000), RAW, { stream: 'replay' }).pipe(toArray()));
    const frames = events.slice(0, -1) as FeatureFrame[];
    const end = events[events.length - 1];
    assert.equal(frames.length, Math.floor((4000 - 400) / 160) + 1);
    assert.deepEqual(end, { kind: 'end', stream: 'replay', utterance: 'spk/a', frames: frames.length });
    frames.forEach((f, i) => {
      assert.equal(f.kind, 'frame');
      assert.equal(f.stream, 'replay');
      assert.equal(f.index, i);
      assert.equal(f.features.length, 26);
      // centre of frame i is at (160 i + 200) / 16000 s: < 0.05 → sil, < 0.1 → hh, else ay
      const centre = (160 * i + 200) / 16000;
      assert.equal(f.label, centre < 0.05 ? 'sil' : centre < 0.1 ? 'hh' : 'ay', `frame ${i}`);
    });
  });

  it('should emit only the end marker for audio shorter than one window', async () => {
    const events: FrameEvent[] = await lastValueFrom(utteranceToFrameEvents(utterance(300), RAW).pipe(toArray()));
    assert.deepEqual(events, [{ kind: 'end', stream: 'replay', utterance: 'spk/a', frames: 0 }]);
  });

  it('should carry shared running statistics from one utterance to the next', async () => {
    const cfg: FeatureConfig = { ...DEFAULT_FEATURE_CONFIG, normalization: { kind: 'running', warmupFrames: 10 } };
    const stats = new RunningStats(26);
    await lastValueFrom(utteranceToFrameEvents(utterance(4000), cfg, { runningStats: stats }).pipe(toArray()));
    assert.equal(stats.count, 23);
    await lastValueFrom(utteranceToFrameEvents(utterance(2000), cfg, { runningStats: stats }).pipe(toArray()));
    assert.equal(stats.count, 23 + 11);
  });
});
