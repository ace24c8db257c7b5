import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { Subject, lastValueFrom, toArray } from 'rxjs';
import { loadCheckpoint } from '../../src/checkpoint/load-checkpoint.ts';
import type { Checkpoint } from '../../src/checkpoint/load-checkpoint-from.ts';
import { ConfigError } from '../../src/errors.ts';
import { predictPcm } from '../../src/in-tab/predict-pcm.ts';
import { readLabelledRecording } from '../../src/in-tab/read-labelled-recording.ts';
import { trainOnRecording } from '../../src/in-tab/train-on-recording.ts';
import type { LearnerEvent } from '../../src/learner/learner-event.ts';
import { selectBackend } from '../../src/learner/select-backend.ts';
import type { ServerMessage } from '../../src/server/messages.ts';

const WAV = 'fixtures/corpus/ljspeech/wav/LJ001-0174.wav';
const GRID = 'fixtures/corpus/ljspeech/TextGrid/LJ001-0174.TextGrid';
let checkpoint: Checkpoint;

before(async () => {
  await selectBackend();
  checkpoint = await loadCheckpoint('fixtures/checkpoint');
});
after(() => checkpoint.learner.dispose());

async function recording() {
  const files = [
    { name: 'LJ001-0174.wav', bytes: new Uint8Array(await readFile(WAV)) },
    { name: 'LJ001-0174.TextGrid', bytes: new Uint8Array(await readFile(GRID)) },
  ];
  return readLabelledRecording(files, checkpoint.learner.config.phones);
}

describe('in-tab training and prediction (the engine\'s pure parts, in Node)', () => {
  it('training passes over a labelled recording lower its loss, with the checkpoint\'s options', async () => {
    const { learner, features, stats } = checkpoint;
    const events: LearnerEvent[] = [];
    const passes: [number, number][] = [];
    const tensorsBefore = tf.memory().numTensors;
    const losses = await trainOnRecording(learner, await recording(), features, stats, {
      passes: 3,
      onEvent: (e) => events.push(e),
      onPass: (pass, loss) => passes.push([pass, loss]),
    });
    assert.equal(losses.length, 3);
    assert.equal(tf.memory().numTensors, tensorsBefore, 'no tensor left behind by training');
    assert.deepEqual(passes.map(([p]) => p), [1, 2, 3]);
    assert.ok(losses.every((l) => Number.isFinite(l) && l > 0), `losses ${losses}`);
    assert.ok(losses[2] < losses[0], `last pass ${losses[2]} below the first ${losses[0]}`);
    const metrics = events.filter((e) => e.kind === 'metrics');
    assert.ok(metrics.length > 3 && metrics.every((m) => m.kind === 'metrics' && m.pass !== undefined));
    assert.equal(events.filter((e) => e.kind === 'end').length, 3, 'one end per pass');
    console.log(`# in-tab training losses per pass: ${losses.map((l) => l.toFixed(4)).join(', ')}`);
  });

  it('refuses a frozen learner and a bad number of passes', async () => {
    const frozen = await loadCheckpoint('fixtures/checkpoint', { trainable: false });
    try {
      const u = await recording();
      await assert.rejects(trainOnRecording(frozen.learner, u, frozen.features, frozen.stats), ConfigError);
      await assert.rejects(trainOnRecording(checkpoint.learner, u, checkpoint.features, checkpoint.stats, { passes: 0 }), /passes: expected an integer from 1 to 100, got 0/);
    } finally {
      frozen.learner.dispose();
    }
  });

  it('predicts 48 kHz microphone batches frame by frame and ends with the stream\'s segments', async () => {
    const { learner, features, stats } = checkpoint;
    const batches = new Subject<Float32Array>();
    const out = lastValueFrom(predictPcm(batches, { learner, features, prior: stats, sampleRate: 48000 }).pipe(toArray()));
    // One second of a 220 Hz tone with a little noise, in 20 ms batches.
    for (let b = 0; b < 50; b++) {
      const x = new Float32Array(960);
      for (let i = 0; i < x.length; i++) x[i] = 0.3 * Math.sin((2 * Math.PI * 220 * (b * 960 + i)) / 48000) + 0.01 * Math.sin(i * 7.1);
      batches.next(x);
    }
    batches.complete();
    const events = (await out) as (LearnerEvent | ServerMessage)[];
    const frames = events.flatMap((e) => ('kind' in e && e.kind === 'predictions' ? e.frames : []));
    assert.ok(frames.length >= 95 && frames.length <= 100, `${frames.length} frames from 1 s`);
    assert.ok(frames.every((f) => learner.config.phones.includes(f.label)));
    const end = events.find((e) => 'type' in e && e.type === 'end');
    assert.ok(end !== undefined, 'an end message with the segments');
  });
});
