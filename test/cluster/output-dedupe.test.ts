import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertStreamId, partitionOf } from '../../src/cluster/cluster-names.ts';
import { OutputDedupe } from '../../src/cluster/output-dedupe.ts';
import { parseStreamRecord } from '../../src/cluster/stream-record.ts';
import type { ServerMessage, WireFrame } from '../../src/server/messages.ts';

const frame = (i: number): WireFrame => ({ i, t: i / 100, label: 'aa', p: 0.5, top: [['aa', 0.5]] });
const predictions = (from: number, to: number): ServerMessage => ({ type: 'predictions', stream: 's', frames: Array.from({ length: to - from }, (_, k) => frame(from + k)) });
const seg = (i: number, n: number, final: boolean) => ({ phone: 'aa', start: i / 100, end: (i + n) / 100, p: 0.5, final, i, n });

describe('OutputDedupe', () => {
  it('should pass each frame once when a failover replays the stream from its start', () => {
    const d = new OutputDedupe();
    assert.deepEqual(d.filter(predictions(0, 5)), predictions(0, 5));
    assert.deepEqual(d.filter(predictions(5, 8)), predictions(5, 8));
    // the new holder starts over, with other message boundaries
    assert.equal(d.filter(predictions(0, 6)), null);
    assert.deepEqual(d.filter(predictions(6, 10)), predictions(8, 10));
    assert.deepEqual(d.filter(predictions(10, 11)), predictions(10, 11));
  });
  it('should pass final segments once and a partial one only when it reaches further', () => {
    const d = new OutputDedupe();
    assert.ok(d.filter({ type: 'segments', stream: 's', segments: [seg(0, 3, false)] }));
    assert.ok(d.filter({ type: 'segments', stream: 's', segments: [seg(0, 4, true), seg(4, 1, false)] }));
    // replayed: the same final segment again, and a stale partial
    assert.equal(d.filter({ type: 'segments', stream: 's', segments: [seg(0, 2, false)] }), null);
    assert.equal(d.filter({ type: 'segments', stream: 's', segments: [seg(0, 4, true), seg(4, 1, false)] }), null);
    assert.deepEqual(d.filter({ type: 'segments', stream: 's', segments: [seg(4, 3, false)] }), { type: 'segments', stream: 's', segments: [seg(4, 3, false)] });
  });
  it('should pass metrics by frame count, and one end; messages of no stream always', () => {
    const d = new OutputDedupe();
    const metrics = (frames: number) => ({ type: 'metrics', stream: 's', frames, labelledFrames: 0, chunkLoss: null, loss: null, skippedUpdates: 0, accuracy: null, framesPerSecond: 1 }) as ServerMessage;
    assert.ok(d.filter(metrics(20)));
    assert.equal(d.filter(metrics(20)), null);
    assert.ok(d.filter(metrics(40)));
    assert.ok(d.filter({ type: 'end', stream: 's', frames: 40 }));
    assert.equal(d.filter({ type: 'end', stream: 's', frames: 40 }), null);
    assert.equal(d.filter(predictions(40, 41)), null, 'nothing after the end');
    const hello = { type: 'hello' } as unknown as ServerMessage;
    assert.equal(d.filter(hello), hello);
  });
  it('should forget ended streams beyond its bound, so memory stays flat over many streams', () => {
    const d = new OutputDedupe(10);
    for (let k = 0; k < 1000; k++) {
      d.filter({ type: 'predictions', stream: `s${k}`, frames: [frame(0)] });
      d.filter({ type: 'end', stream: `s${k}`, frames: 1 });
    }
    assert.ok(d.size <= 11, `${d.size} streams tracked`);
  });
});

describe('partitions and records', () => {
  it('should spread stream ids over the partitions, the same everywhere', () => {
    const counts = new Array(16).fill(0);
    for (let k = 0; k < 1600; k++) counts[partitionOf(`g1-s${k}`, 16)]++;
    assert.ok(Math.min(...counts) > 60 && Math.max(...counts) < 140, `${counts}`);
    assert.equal(partitionOf('ga-s1', 16), partitionOf('ga-s1', 16));
  });
  it('should refuse ids that are not subject tokens, and bad records, naming them', () => {
    assert.throws(() => assertStreamId('a.b'), /cannot be a NATS subject token/);
    assert.throws(() => parseStreamRecord('s1', new TextEncoder().encode('{')), /stream record s1: not JSON/);
    assert.throws(() => parseStreamRecord('s1', new TextEncoder().encode('{"id":"s2"}')), /expected id s1/);
  });
});
