import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeView } from '../../src/browser/describe-view.ts';
import { initialViewState } from '../../src/browser/initial-view-state.ts';
import type { ReplayAbout } from '../../src/browser/replay-about.ts';
import type { TrainingSeries, ViewState } from '../../src/browser/view-state.ts';

const state = (patch: Partial<ViewState>): ViewState => ({ ...initialViewState(), ...patch });
/** A training stream's series; tests override what they look at. */
const SERIES: TrainingSeries = { stream: 'replay', trains: true, frames: 0, seconds: [], secondsBefore: 0, framesPerSecond: 100, accuracy: [], loss: [] };
const BUNDLED_REPLAY: ReplayAbout = { stream: 'replay', utterances: 6, epochs: null, learns: false, model: 'bundled', trainedOnReplay: true, heldOutAccuracy: 0.646 };

describe('describeView', () => {
  it('describes a page that has not connected yet', () => {
    const text = describeView(initialViewState());
    assert.equal(text.connection, 'Connecting…');
    assert.equal(text.source, 'waiting for a stream');
    assert.equal(text.stream, '–');
    assert.equal(text.frames, '0');
    assert.deepEqual(text.micButton, { label: 'Start microphone', pressed: false, disabled: false });
    assert.match(text.trainingSource, /--replay/);
    assert.equal(text.accuracy, '–');
  });

  it('names the connection, the backend, the stream and its frames', () => {
    const text = describeView(
      state({
        sockets: { consumer: 'open', producer: 'idle' },
        protocol: 1,
        backend: 'wasm',
        shown: 'replay',
        frames: 12345,
        dropped: { consumer: 3, producer: 4 },
      }),
    );
    assert.equal(text.connection, 'Connected · protocol 1');
    assert.equal(text.connectionState, 'open');
    assert.equal(text.backend, 'wasm');
    assert.equal(text.source, 'stream replay');
    assert.equal(text.frames, '12,345');
    assert.equal(text.dropped, '7');
  });

  it("calls the page's own stream 'your microphone' and offers Stop while it runs", () => {
    const text = describeView(state({ mic: 'on', ownStream: 's3', ownStreams: ['s3'], shown: 's3' }));
    assert.equal(text.source, 'your microphone (s3)');
    assert.equal(text.stream, 's3');
    assert.deepEqual(text.micButton, { label: 'Stop microphone', pressed: true, disabled: false });
    assert.equal(describeView(state({ mic: 'starting' })).micButton.disabled, true);
    assert.equal(describeView(state({ mic: 'error' })).micButton.label, 'Start microphone');
  });

  it('says when the stream on show has ended', () => {
    assert.equal(describeView(state({ shown: 's3', ownStreams: ['s3'], shownEnded: true })).source, 'your microphone (s3), ended');
    assert.equal(describeView(state({ shown: 's4', shownEnded: true })).source, 'stream s4, ended');
  });

  it('shows the last finite accuracy as a percentage and the last loss', () => {
    const text = describeView(
      state({ training: { ...SERIES, frames: 4000, framesPerSecond: 99.6, accuracy: [0.2, 0.4321, NaN], loss: [2.5, 1.23456] } }),
    );
    assert.equal(text.accuracy, '43.2 %');
    assert.equal(text.loss, '1.235');
    assert.equal(text.trainingSource, 'stream replay · 4,000 frames · 100 frames/s');
  });

  it('names the accuracy for what it is: prequential in pass 1 and on live streams, training accuracy in later passes', () => {
    const series = { ...SERIES, frames: 10, framesPerSecond: 100, accuracy: [0.5], loss: [1] };
    const live = describeView(state({ training: series }));
    assert.equal(live.accuracyName, 'Prequential accuracy');
    assert.match(live.trainingNote, /^Prequential: each frame is predicted before the model learns from its label/);
    assert.equal(describeView(state({ training: { ...series, pass: 1 } })).accuracyName, 'Prequential accuracy (pass 1)');
    const pass3 = describeView(state({ training: { ...series, pass: 3 } }));
    assert.equal(pass3.accuracyName, 'Training accuracy (pass 3)');
    assert.match(pass3.trainingNote, /learned from the same frames in earlier passes, so this is a training score, not a test score/);
  });

  it('says that a frozen bundled model replaying the fixtures it was trained on gives a training score, and its held-out figure', () => {
    const frozen = { ...SERIES, trains: false, frames: 300, accuracy: [0.9], loss: [NaN], pass: 2 };
    const text = describeView(state({ replay: BUNDLED_REPLAY, training: frozen }));
    assert.equal(text.accuracyName, 'Accuracy of the bundled model, not learning, on the replay');
    assert.equal(
      text.trainingNote,
      'Framewise accuracy of the bundled model on the 6 replayed utterances, which it predicts without learning from them. ' +
        'It was trained on these utterances, so this is a training score, not a test score. On files held out of its training it scored 64.6 %.',
    );
    assert.equal(text.trainingSource, 'stream replay · 300 frames · 100 frames/s · predicted only');
    assert.equal(text.loss, '–');
    assert.equal(text.lossEmpty, 'no loss: the model does not learn from this stream');
    const fresh = describeView(state({ replay: { ...BUNDLED_REPLAY, model: 'fresh', trainedOnReplay: false }, training: frozen }));
    assert.match(fresh.trainingNote, /an untrained model .* It has never learned from them/);
    const loaded = describeView(state({ replay: { ...BUNDLED_REPLAY, model: 'loaded', trainedOnReplay: null }, training: frozen }));
    assert.match(loaded.trainingNote, /does not know whether it was trained on them/);
    // --train on the bundled model: learning, but on utterances it was trained on already.
    const trained = describeView(state({ replay: { ...BUNDLED_REPLAY, learns: true }, training: { ...frozen, trains: true, pass: 1 } }));
    assert.equal(trained.accuracyName, 'Training accuracy (pass 1)');
    assert.match(trained.trainingNote, /trained on them before serving, so this is a training score/);
  });

  it("shows the footer's frame count as the training card's when they show the same stream", () => {
    const text = describeView(state({ shown: 'replay', frames: 120, training: { ...SERIES, frames: 4321 } }));
    assert.equal(text.frames, '4,321');
    assert.match(text.trainingSource, /^stream replay · 4,321 frames/);
    assert.equal(describeView(state({ shown: 's1', frames: 120, training: { ...SERIES, frames: 4321 } })).frames, '120');
  });

  it('lists the runner-up phones of the current frame, and whether the strip has references', () => {
    const top: [string, number][] = [['ae', 0.6], ['eh', 0.204], ['ah', 0.07], ['aa', 0.01]];
    const text = describeView(state({ current: { label: 'ae', p: 0.6, t: 0, i: 0, top } }));
    assert.equal(text.alternatives, 'also eh 20 % · ah 7 %');
    assert.equal(text.labelled, false);
    assert.equal(describeView(initialViewState()).alternatives, '');
    const strip = [{ key: 0, stream: 'replay', label: 'ae', i: 0, t: 0, lastI: 0, frames: 1, pSum: 1, truths: { ae: 1 }, labelled: 1, correct: 1 }];
    assert.equal(describeView(state({ strip })).labelled, true);
  });

  it('reports a lost connection', () => {
    assert.equal(describeView(state({ sockets: { consumer: 'closed', producer: 'idle' } })).connection, 'Disconnected, retrying…');
  });
});
