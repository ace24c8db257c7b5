import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { toInt16Pcm } from '../../src/server/to-int16-pcm.ts';
import { createPcmDecoder } from '../../src/audio/create-pcm-decoder.ts';

describe('toInt16Pcm', () => {
  it('writes little-endian int16, clipping out-of-range samples', () => {
    assert.deepEqual([...toInt16Pcm(new Float32Array([0, 1, -1, 2, -3, 0.5]))], [0, 0, 0xff, 0x7f, 0x00, 0x80, 0xff, 0x7f, 0x00, 0x80, 0x00, 0x40]);
  });

  it('round-trips through the server-side decoder to within half a quantisation step', () => {
    const x = new Float32Array(100).map((_, k) => Math.sin(k / 7) * 0.9);
    const y = createPcmDecoder('int16', 'test').decode(toInt16Pcm(x));
    assert.equal(y.length, x.length);
    for (let k = 0; k < x.length; k++) assert.ok(Math.abs(y[k] - x[k]) <= 0.5 / 32767 + 1e-7, `sample ${k}`);
  });
});
