import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { initialViewState } from '../../src/browser/initial-view-state.ts';
import type { PageEvent } from '../../src/browser/page-event.ts';
import { reduceViewState } from '../../src/browser/reduce-view-state.ts';
import { CONNECTION_LOST, SERIES_LENGTH, STRIP_LENGTH, TIMELINE_LENGTH, type SocketRole, type ViewState } from '../../src/browser/view-state.ts';
import type { ServerMessage } from '../../src/server/messages.ts';

const on = (socket: SocketRole, message: object): PageEvent => ({
  kind: 'message',
  socket,
  message: message as ServerMessage,
});

/** A predictions message: one frame per label, indices from `from`, p = 0.5 unless given. */
function predictions(stream: string, labels: string[], from = 0, extra: object = {}) {
  return {
    type: 'predictions',
    stream,
    frames: labels.map((label, k) => ({ i: from + k, t: (from + k) / 100, label, p: 0.5, top: [[label, 0.5]], ...extra })),
  };
}

const run = (events: PageEvent[], state: ViewState = initialViewState()) => events.reduce(reduceViewState, state);

const metrics = (stream: string, loss: number | null, accuracy: number | null, frames = 100) => ({
  type: 'metrics',
  stream,
  frames,
  labelledFrames: frames,
  chunkLoss: loss,
  loss,
  accuracy,
  framesPerSecond: 2000,
});

describe('reduceViewState', () => {
  it('never mutates the state it is given', () => {
    const before = run([on('consumer', predictions('replay', ['sil', 'sil', 'hh']))]);
    const copy = structuredClone(before);
    run([on('consumer', predictions('replay', ['hh', 'ae'], 3)), on('consumer', metrics('replay', 2, 0.4))], before);
    assert.deepEqual(before, copy);
  });

  it('records socket and microphone states; a new start clears the last notice', () => {
    let s = run([{ kind: 'socket', socket: 'consumer', status: 'open' }]);
    assert.equal(s.sockets.consumer, 'open');
    s = run([{ kind: 'mic', status: 'error', notice: 'refused' }], s);
    assert.equal(s.mic, 'error');
    assert.equal(s.notice, 'refused');
    s = run([{ kind: 'mic', status: 'starting' }], s);
    assert.equal(s.notice, undefined);
  });

  it('takes server, protocol, backend and phones from hello', () => {
    const s = run([on('consumer', { type: 'hello', protocol: 1, server: 'phonestream/0.1.0', backend: 'wasm', phones: ['aa', 'b', 7] })]);
    assert.equal(s.protocol, 1);
    assert.equal(s.server, 'phonestream/0.1.0');
    assert.equal(s.backend, 'wasm');
    assert.deepEqual(s.phones, ['aa', 'b']);
  });

  it('as a consumer, shows the first stream with predictions and collapses runs of a phone into one strip item', () => {
    const s = run([
      on('consumer', predictions('replay', ['sil', 'sil', 'hh'])),
      on('consumer', predictions('replay', ['hh', 'ae'], 3)),
    ]);
    assert.equal(s.shown, 'replay');
    assert.equal(s.frames, 5);
    assert.deepEqual(
      s.strip.map((x) => [x.label, x.i, x.frames]),
      [
        ['sil', 0, 2],
        ['hh', 2, 2],
        ['ae', 4, 1],
      ],
    );
    assert.deepEqual(s.current, { label: 'ae', p: 0.5, t: 0.04, i: 4, top: [['ae', 0.5]] });
  });

  it('starts a new strip item when the frame index jumps (a new utterance), even for the same phone', () => {
    const s = run([on('consumer', predictions('replay', ['sil', 'sil'], 950)), on('consumer', predictions('replay', ['sil'], 0))]);
    assert.deepEqual(s.strip.map((x) => [x.label, x.i, x.frames]), [['sil', 950, 2], ['sil', 0, 1]]);
  });

  it('keeps the mean probability and, on labelled streams, how many frames were right and the majority reference', () => {
    const s = run([
      on('consumer', {
        type: 'predictions',
        stream: 'replay',
        frames: [
          { i: 0, t: 0, label: 'ae', p: 0.9, top: [], truth: 'ae' },
          { i: 1, t: 0.01, label: 'ae', p: 0.5, top: [], truth: 'eh' },
          { i: 2, t: 0.02, label: 'ae', p: 0.4, top: [], truth: 'eh' },
        ],
      }),
    ]);
    const [run1] = s.strip;
    assert.ok(Math.abs(run1.pSum / run1.frames - 0.6) < 1e-12);
    // The reference shown is the one most of the run's frames carry, the one the wrong-mark is
    // judged by (not the first or the last frame's).
    assert.equal(run1.truth, 'eh');
    assert.deepEqual(run1.truths, { ae: 1, eh: 2 });
    assert.equal(run1.labelled, 3);
    assert.equal(run1.correct, 1);
    assert.equal(s.current?.truth, 'eh');
  });

  it('shows the earliest reference of a tied run, and a tile without references has none', () => {
    const s = run([
      on('consumer', {
        type: 'predictions',
        stream: 'replay',
        frames: [
          { i: 0, t: 0, label: 'ae', p: 0.9, top: [], truth: 'eh' },
          { i: 1, t: 0.01, label: 'ae', p: 0.5, top: [], truth: 'ae' },
        ],
      }),
    ]);
    assert.equal(s.strip[0].truth, 'eh');
    assert.equal(run([on('consumer', predictions('s9', ['aa', 'aa']))]).strip[0].truth, undefined);
  });

  it('says the connection was lost when the consumer socket closes, and clears it when it opens again', () => {
    let s = run([{ kind: 'socket', socket: 'consumer', status: 'connecting' }, { kind: 'socket', socket: 'consumer', status: 'open' }]);
    s = run([{ kind: 'socket', socket: 'consumer', status: 'closed' }], s);
    assert.equal(s.notice, CONNECTION_LOST);
    // Retries that fail (connecting, closed again) keep it; the socket opening again clears it.
    s = run([{ kind: 'socket', socket: 'consumer', status: 'connecting' }], s);
    assert.equal(s.notice, CONNECTION_LOST);
    // The microphone stopped by its socket closing says so too; that notice also goes on reconnect.
    s = run([{ kind: 'mic', status: 'off', notice: 'The connection to the server was lost.', connectionLost: true }], s);
    s = run([{ kind: 'socket', socket: 'consumer', status: 'open' }], s);
    assert.equal(s.notice, undefined);
    // Other notices stay after a reconnect.
    s = run(
      [
        on('consumer', { type: 'error', message: 'start: bad' }),
        { kind: 'socket', socket: 'consumer', status: 'closed' },
        { kind: 'socket', socket: 'consumer', status: 'open' },
      ],
      run([{ kind: 'mic', status: 'error', notice: 'refused' }], s),
    );
    assert.equal(s.notice, undefined, 'the closing replaced it by the connection notice, which the reopening cleared');
    s = run([{ kind: 'mic', status: 'error', notice: 'refused' }, { kind: 'socket', socket: 'consumer', status: 'open' }], s);
    assert.equal(s.notice, 'refused');
  });

  it('keeps the last TIMELINE_LENGTH frames of the shown stream with their top phones and references', () => {
    let s = run([on('consumer', predictions('replay', ['sil', 'hh'], 0, { truth: 'sil' }))]);
    assert.deepEqual(s.timeline, [
      { n: 0, i: 0, label: 'sil', p: 0.5, top: [['sil', 0.5]], truth: 'sil' },
      { n: 1, i: 1, label: 'hh', p: 0.5, top: [['hh', 0.5]], truth: 'sil' },
    ]);
    const many = Array.from({ length: TIMELINE_LENGTH + 7 }, () => 'aa');
    s = run([on('consumer', predictions('replay', many, 2))], s);
    assert.equal(s.timeline.length, TIMELINE_LENGTH);
    assert.deepEqual([s.timeline[0].n, s.timeline[TIMELINE_LENGTH - 1].n], [9, TIMELINE_LENGTH + 8]);
    // A new stream shown starts a new timeline.
    s = run([on('consumer', { type: 'end', stream: 'replay', frames: 9 }), on('consumer', predictions('s2', ['b']))], s);
    assert.deepEqual(s.timeline.map((f) => [f.n, f.label]), [[0, 'b']]);
  });

  it("counts the replay's confusions from the consumer socket, even while the microphone is shown", () => {
    const replay = { type: 'hello', protocol: 1, server: 'x', replay: { stream: 'replay', utterances: 6, epochs: null, learns: false, model: 'bundled', trainedOnReplay: true } };
    const frame = (label: string, truth: string, i: number) => ({ i, t: i / 100, label, p: 0.5, top: [], truth });
    let s = run([
      on('consumer', replay),
      on('consumer', { type: 'predictions', stream: 'other', frames: [frame('aa', 'b', 0)] }),
      on('consumer', { type: 'predictions', stream: 'replay', frames: [frame('aa', 'aa', 0), frame('eh', 'ae', 1), frame('eh', 'ae', 2)] }),
      on('producer', { type: 'started', stream: 's1' }),
      on('consumer', { type: 'predictions', stream: 'replay', frames: [frame('ih', 'ae', 3)] }),
      on('producer', { type: 'predictions', stream: 'replay', frames: [frame('ih', 'ae', 4)] }),
    ]);
    assert.equal(s.shown, 's1');
    assert.deepEqual(s.confusion, { stream: 'replay', counts: { aa: { aa: 1 }, ae: { eh: 2, ih: 1 } }, labelled: 4, correct: 1 });
    // Without hello.replay: the first labelled stream.
    s = run([on('consumer', predictions('s7', ['aa'])), on('consumer', predictions('lab', ['aa'], 0, { truth: 'b' })), on('consumer', predictions('lab2', ['aa'], 0, { truth: 'aa' }))]);
    assert.deepEqual(s.confusion, { stream: 'lab', counts: { b: { aa: 1 } }, labelled: 1, correct: 0 });
  });

  it('plots a stream predicted only (null loss) until a training stream comes, on a time axis that goes on over passes', () => {
    let s = run([on('consumer', metrics('replay', null, 0.8, 100)), on('consumer', metrics('replay', null, 0.82, 300))]);
    assert.equal(s.training?.trains, false);
    assert.deepEqual(s.training?.seconds, [1, 3]);
    assert.deepEqual(s.training?.loss, [NaN, NaN]);
    // Pass 2 starts its frames again: the time axis does not go back.
    s = run([on('consumer', { ...metrics('replay', null, 0.9, 50), pass: 2 })], s);
    assert.deepEqual(s.training?.seconds, [1, 3, 3.5]);
    assert.equal(s.training?.frames, 50);
    // An unlabelled stream (null accuracy, null loss) is no curve.
    assert.equal(run([on('consumer', metrics('s1', null, null))], s), s);
    // A training stream takes over; then it stays.
    s = run([on('consumer', metrics('s5', 2, 0.1, 100))], s);
    assert.deepEqual([s.training?.stream, s.training?.trains, s.training?.seconds], ['s5', true, [1]]);
    assert.equal(run([on('consumer', metrics('replay', null, 0.9, 60))], s), s);
  });

  it('keeps only the last STRIP_LENGTH runs', () => {
    const labels = Array.from({ length: STRIP_LENGTH + 5 }, (_, k) => (k % 2 ? 'aa' : 'b'));
    const s = run([on('consumer', predictions('replay', labels))]);
    assert.equal(s.strip.length, STRIP_LENGTH);
    assert.equal(s.strip[0].i, 5);
    assert.equal(s.strip.at(-1)?.i, STRIP_LENGTH + 4);
    assert.equal(s.frames, STRIP_LENGTH + 5);
  });

  it('ignores other streams while one is shown, and moves on when the shown stream ends', () => {
    let s = run([on('consumer', predictions('s7', ['aa'])), on('consumer', predictions('replay', ['b']))]);
    assert.equal(s.shown, 's7');
    assert.deepEqual(s.strip.map((x) => x.label), ['aa']);
    s = run([on('consumer', { type: 'end', stream: 's7', frames: 1 })], s);
    // Ended, but still on screen until something else comes.
    assert.equal(s.shown, 's7');
    assert.equal(s.shownEnded, true);
    assert.deepEqual(s.strip.map((x) => x.label), ['aa']);
    s = run([on('consumer', predictions('replay', ['b'], 1))], s);
    assert.equal(s.shown, 'replay');
    assert.equal(s.shownEnded, false);
    assert.deepEqual(s.strip.map((x) => x.label), ['b']);
    assert.equal(s.frames, 1);
  });

  it('ignores the end of a stream that is neither shown nor its own', () => {
    const before = run([on('consumer', predictions('replay', ['b']))]);
    assert.equal(run([on('consumer', { type: 'end', stream: 's9', frames: 3 })], before), before);
  });

  it("switches to the page's own microphone on started, taking its predictions from the producer socket only", () => {
    let s = run([on('consumer', predictions('replay', ['sil', 'hh'])), on('producer', { type: 'started', stream: 's1' })]);
    assert.equal(s.ownStream, 's1');
    assert.equal(s.shown, 's1');
    assert.deepEqual(s.strip, []);
    assert.equal(s.frames, 0);
    s = run(
      [
        on('consumer', predictions('replay', ['ae'], 2)), // the replay goes on, but is not shown
        on('consumer', predictions('s1', ['iy', 'iy'])), // the consumer copy of our own stream
        on('producer', predictions('s1', ['iy', 'iy'])),
        on('producer', predictions('replay', ['ae'], 2)), // before start the producer socket was a consumer
      ],
      s,
    );
    assert.deepEqual(s.strip.map((x) => [x.stream, x.label, x.frames]), [['s1', 'iy', 2]]);
    assert.equal(s.frames, 2);
  });

  it('keeps its own stream on screen after its end, then goes back to the replay', () => {
    let s = run([
      on('producer', { type: 'started', stream: 's1' }),
      on('producer', predictions('s1', ['iy'])),
      on('producer', { type: 'end', stream: 's1', frames: 1 }),
      // The consumer socket's copy of s1 can lag behind the producer socket's end: not shown twice.
      on('consumer', predictions('s1', ['iy', 'iy', 'iy'])),
      on('consumer', { type: 'end', stream: 's1', frames: 1 }),
    ]);
    assert.equal(s.ownStream, undefined);
    assert.equal(s.shown, 's1');
    assert.equal(s.shownEnded, true);
    assert.equal(s.frames, 1);
    s = run([on('consumer', predictions('replay', ['ae'], 40))], s);
    assert.equal(s.shown, 'replay');
    assert.deepEqual(s.strip.map((x) => x.label), ['ae']);
    assert.deepEqual(s.ownStreams, ['s1']);
  });

  it('ignores started on the consumer socket and malformed predictions', () => {
    const s = run([
      on('consumer', { type: 'started', stream: 's1' }),
      on('consumer', { type: 'predictions', stream: 'replay', frames: 'no' }),
      on('consumer', { type: 'predictions', stream: 'replay', frames: [{ i: 0, label: 'aa' }] }),
      on('consumer', { type: 'predictions', frames: [] }),
      on('consumer', { type: 'from-the-future', stream: 'x' }),
    ]);
    assert.deepEqual(s, { ...initialViewState() });
  });

  it('plots accuracy and loss of the first stream that trains, not of streams without a loss', () => {
    const s = run([
      on('consumer', metrics('s1', null, null)),
      on('consumer', metrics('replay', 2.5, 0.1, 100)),
      on('consumer', metrics('replay', 2.0, null, 200)),
      on('consumer', metrics('s2', 1.0, 0.9)), // another trainer: not mixed into the curves
      on('producer', metrics('replay', 1.0, 0.9)), // the producer copy would count twice
    ]);
    assert.equal(s.training?.stream, 'replay');
    assert.equal(s.training?.frames, 200);
    assert.deepEqual(s.training?.loss, [2.5, 2.0]);
    assert.deepEqual(s.training?.accuracy, [0.1, NaN]);
  });

  it("keeps the replay's pass from its metrics, so the page can say what the accuracy measures", () => {
    const s = run([
      on('consumer', { ...metrics('replay', 2.5, 0.1, 100), pass: 1 }),
      on('consumer', { ...metrics('replay', 2.0, 0.6, 100), pass: 2 }),
    ]);
    assert.equal(s.training?.pass, 2);
    assert.equal(run([on('consumer', metrics('mic', 2.5, 0.1))]).training?.pass, undefined);
  });

  it('keeps only the last SERIES_LENGTH metrics', () => {
    const events = Array.from({ length: SERIES_LENGTH + 3 }, (_, k) => on('consumer', metrics('replay', k, 0.5)));
    const s = run(events);
    assert.equal(s.training?.loss.length, SERIES_LENGTH);
    assert.equal(s.training?.loss[0], 3);
    assert.equal(s.training?.loss.at(-1), SERIES_LENGTH + 2);
  });

  it("shows errors about this page's streams, not about other producers' streams", () => {
    let s = run([on('producer', { type: 'started', stream: 's2' })]);
    s = run([on('consumer', { type: 'error', stream: 's9', message: 's9: boom' })], s);
    assert.equal(s.notice, undefined);
    s = run([on('consumer', { type: 'error', stream: 's2', message: 's2: resampler failed' })], s);
    assert.equal(s.notice, 's2: resampler failed');
  });

  it('counts dropped messages per socket and shows server errors', () => {
    const s = run([
      on('consumer', { type: 'dropped', count: 4 }),
      on('producer', { type: 'dropped', count: 2 }),
      on('consumer', { type: 'dropped', count: 9 }),
      on('producer', { type: 'error', message: 'binary: audio received before start' }),
    ]);
    assert.deepEqual(s.dropped, { consumer: 9, producer: 2 });
    assert.equal(s.notice, 'binary: audio received before start');
  });
});
