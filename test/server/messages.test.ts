import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '../../src/errors.ts';
import {
  decodeClientMessage,
  encodeServerMessage,
  encodeServerMessageFor,
  negotiateProtocol,
} from '../../src/server/messages.ts';

describe('decodeClientMessage', () => {
  it('decodes a minimal start with learn defaulting to false', () => {
    assert.deepEqual(decodeClientMessage('{"type":"start","sampleRate":48000,"encoding":"float32"}'), {
      type: 'start',
      sampleRate: 48000,
      encoding: 'float32',
      channels: 1,
      learn: false,
    });
  });

  it('decodes a labelled, learning start with a token and ignores unknown fields', () => {
    const text = JSON.stringify({
      type: 'start',
      sampleRate: 16000,
      encoding: 'int16',
      learn: true,
      token: 'abc',
      labels: [
        { start: 0, end: 0.12, phone: 'sil' },
        { start: 0.12, end: 0.2, phone: 'hh' },
      ],
      futureField: 1,
    });
    assert.deepEqual(decodeClientMessage(text), {
      type: 'start',
      sampleRate: 16000,
      encoding: 'int16',
      channels: 1,
      learn: true,
      token: 'abc',
      labels: [
        { start: 0, end: 0.12, phone: 'sil' },
        { start: 0.12, end: 0.2, phone: 'hh' },
      ],
    });
  });

  it('decodes channels (1 to 8 interleaved), defaulting to 1', () => {
    assert.equal((decodeClientMessage('{"type":"start","sampleRate":48000,"encoding":"int16","channels":2}') as { channels: number }).channels, 2);
    assert.equal((decodeClientMessage('{"type":"start","sampleRate":48000,"encoding":"int16","channels":8}') as { channels: number }).channels, 8);
  });

  it('decodes stop and ping', () => {
    assert.deepEqual(decodeClientMessage('{"type":"stop"}'), { type: 'stop' });
    assert.deepEqual(decodeClientMessage('{"type":"ping"}'), { type: 'ping' });
  });

  const bad: [string, string, RegExp][] = [
    ['not JSON', '{"type":', /^message: not valid JSON/],
    ['a JSON array', '[1,2]', /^message: expected a JSON object with a "type", got \[1,2\]/],
    ['JSON null', 'null', /^message: expected a JSON object/],
    ['an unknown type', '{"type":"dance"}', /^message: unknown type "dance", expected one of "start", "stop", "ping"$/],
    ['no type', '{"sampleRate":1}', /^message: unknown type nothing/],
    [
      'a string sampleRate',
      '{"type":"start","sampleRate":"abc","encoding":"int16"}',
      /^start: sampleRate must be a number from 8000 to 192000, got "abc"$/,
    ],
    ['a missing sampleRate', '{"type":"start","encoding":"int16"}', /^start: sampleRate .* got nothing$/],
    ['a fractional sampleRate', '{"type":"start","sampleRate":44100.5,"encoding":"int16"}', /^start: sampleRate must be a whole number of Hz, got 44100.5$/],
    ['zero channels', '{"type":"start","sampleRate":16000,"encoding":"int16","channels":0}', /^start: channels must be a whole number from 1 to 8 \(interleaved channels of the PCM\), got 0$/],
    ['9 channels', '{"type":"start","sampleRate":16000,"encoding":"int16","channels":9}', /^start: channels must be a whole number from 1 to 8 .*, got 9$/],
    ['fractional channels', '{"type":"start","sampleRate":16000,"encoding":"int16","channels":1.5}', /^start: channels .* got 1.5$/],
    ['string channels', '{"type":"start","sampleRate":16000,"encoding":"int16","channels":"stereo"}', /^start: channels .* got "stereo"$/],
    ['a too low sampleRate', '{"type":"start","sampleRate":100,"encoding":"int16"}', /^start: sampleRate .* got 100$/],
    [
      'a bad encoding',
      '{"type":"start","sampleRate":16000,"encoding":"mp3"}',
      /^start: encoding must be "int16" or "float32", got "mp3"$/,
    ],
    ['a string learn', '{"type":"start","sampleRate":16000,"encoding":"int16","learn":"yes"}', /^start: learn must be/],
    [
      'learn without labels',
      '{"type":"start","sampleRate":16000,"encoding":"int16","learn":true}',
      /^start: learn is true but no labels/,
    ],
    ['a numeric token', '{"type":"start","sampleRate":16000,"encoding":"int16","token":5}', /^start: token must be a string/],
    ['labels not an array', '{"type":"start","sampleRate":16000,"encoding":"int16","labels":{}}', /^start: labels must be an array/],
    [
      'a segment ending before it starts',
      '{"type":"start","sampleRate":16000,"encoding":"int16","labels":[{"start":0.5,"end":0.2,"phone":"a"}]}',
      /^start: labels\[0\]\.end must be a number of seconds greater than start \(0\.5\), got 0\.2$/,
    ],
    [
      'a negative start',
      '{"type":"start","sampleRate":16000,"encoding":"int16","labels":[{"start":0,"end":1,"phone":"a"},{"start":-1,"end":2,"phone":"b"}]}',
      /^start: labels\[1\]\.start must be a number of seconds ≥ 0, got -1$/,
    ],
    [
      'an empty phone',
      '{"type":"start","sampleRate":16000,"encoding":"int16","labels":[{"start":0,"end":1,"phone":""}]}',
      /^start: labels\[0\]\.phone must be a non-empty string, got ""$/,
    ],
  ];
  for (const [what, text, expected] of bad) {
    it(`refuses ${what} with an InputError naming the field`, () => {
      assert.throws(
        () => decodeClientMessage(text),
        (err: unknown) => err instanceof InputError && expected.test(err.message),
      );
    });
  }

  it('shortens a long bad message in its error', () => {
    const text = `{"type":"${'x'.repeat(500)}"}`;
    assert.throws(() => decodeClientMessage(text), (err: Error) => err.message.length < 200);
  });
});

describe('encodeServerMessage', () => {
  it('maps learner predictions to short wire frames, rounding p and t', () => {
    const text = encodeServerMessage({
      kind: 'predictions',
      stream: 's1',
      frames: [
        { index: 42, t: 0.42000000000000004, label: 'ae', p: 0.612345, top: [['ae', 0.612345], ['eh', 0.2]], truth: 'ae' },
        { index: 43, t: 0.43, label: 'eh', p: 0.5, top: [['eh', 0.5]] },
      ],
    });
    assert.deepEqual(JSON.parse(text), {
      type: 'predictions',
      stream: 's1',
      frames: [
        { i: 42, t: 0.42, label: 'ae', p: 0.6123, top: [['ae', 0.6123], ['eh', 0.2]], truth: 'ae' },
        { i: 43, t: 0.43, label: 'eh', p: 0.5, top: [['eh', 0.5]] },
      ],
    });
    assert.ok(!('truth' in JSON.parse(text).frames[1]), 'truth is absent on unlabelled frames');
  });

  it('maps metrics field by field, nulls kept', () => {
    const ev = {
      kind: 'metrics' as const,
      stream: 's2',
      frames: 120,
      labelledFrames: 0,
      chunkLoss: null,
      loss: null,
      skippedUpdates: 0,
      accuracy: null,
      framesPerSecond: 830.5,
    };
    assert.deepEqual(JSON.parse(encodeServerMessage(ev)), {
      type: 'metrics',
      stream: 's2',
      frames: 120,
      labelledFrames: 0,
      chunkLoss: null,
      loss: null,
      skippedUpdates: 0,
      accuracy: null,
      framesPerSecond: 830.5,
    });
  });

  it('maps an end without utterance to end, and with one to utterance', () => {
    assert.equal(encodeServerMessage({ kind: 'end', stream: 's1', frames: 812 }), '{"type":"end","stream":"s1","frames":812}');
    assert.deepEqual(JSON.parse(encodeServerMessage({ kind: 'end', stream: 'replay', utterance: 'LJ001-0001', frames: 953 })), {
      type: 'utterance',
      stream: 'replay',
      id: 'LJ001-0001',
      frames: 953,
    });
  });

  it('passes server messages through unchanged', () => {
    for (const msg of [
      { type: 'pong' as const },
      { type: 'dropped' as const, count: 17 },
      { type: 'error' as const, message: 'start: bad' },
      { type: 'started' as const, stream: 's3' },
    ]) {
      assert.deepEqual(JSON.parse(encodeServerMessage(msg)), msg);
    }
  });
});

describe('negotiateProtocol', () => {
  it('gives v1 to a client offering no subprotocol, the newest of ours to one offering some', () => {
    assert.deepEqual(negotiateProtocol([]), { version: 1 });
    assert.deepEqual(negotiateProtocol(['phonestream.v2']), { version: 2, subprotocol: 'phonestream.v2' });
    assert.deepEqual(negotiateProtocol(['phonestream.v1']), { version: 1, subprotocol: 'phonestream.v1' });
    assert.deepEqual(negotiateProtocol(['phonestream.v1', 'phonestream.v2']), { version: 2, subprotocol: 'phonestream.v2' });
    assert.deepEqual(negotiateProtocol(['phonestream.v9', 'phonestream.v2']), { version: 2, subprotocol: 'phonestream.v2' });
  });

  it('refuses offered subprotocols that are none of ours, naming the ones it speaks', () => {
    assert.throws(
      () => negotiateProtocol(['chat', 'phonestream.v3']),
      (err: unknown) =>
        err instanceof InputError &&
        err.message === 'handshake: no supported subprotocol in Sec-WebSocket-Protocol chat, phonestream.v3; this server speaks phonestream.v1, phonestream.v2',
    );
  });
});

describe('encodeServerMessageFor', () => {
  const segment = { phone: 'aa', start: 0, end: 0.0175, p: 0.9, final: true, i: 0, n: 1 };
  it('gives v2 every message; v1 no segments, and end and started without their v2 fields', () => {
    const segments = { type: 'segments' as const, stream: 's1', segments: [segment] };
    const end = { type: 'end' as const, stream: 's1', frames: 1, segments: [segment], truncated: false };
    const started = { type: 'started' as const, stream: 's1', channels: 2 };
    assert.deepEqual(JSON.parse(encodeServerMessageFor(segments, 2)!), segments);
    assert.deepEqual(JSON.parse(encodeServerMessageFor(end, 2)!), end);
    assert.deepEqual(JSON.parse(encodeServerMessageFor(started, 2)!), started);
    assert.equal(encodeServerMessageFor(segments, 1), undefined);
    assert.equal(encodeServerMessageFor(end, 1), '{"type":"end","stream":"s1","frames":1}');
    assert.equal(encodeServerMessageFor(started, 1), '{"type":"started","stream":"s1"}');
    assert.equal(encodeServerMessageFor({ kind: 'end', stream: 's1', frames: 3 }, 1), '{"type":"end","stream":"s1","frames":3}');
    assert.equal(encodeServerMessageFor({ type: 'pong' }, 1), '{"type":"pong"}');
  });
});
