import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseServerMessage } from '../../src/browser/parse-server-message.ts';
import { encodeServerMessage } from '../../src/server/messages.ts';

describe('parseServerMessage', () => {
  it("reads what the server's encoder writes", () => {
    const text = encodeServerMessage({
      kind: 'predictions',
      stream: 's1',
      frames: [{ index: 3, t: 0.03, label: 'ae', p: 0.61234567, top: [['ae', 0.61234567]] }],
    });
    assert.deepEqual(parseServerMessage(text), {
      type: 'predictions',
      stream: 's1',
      frames: [{ i: 3, t: 0.03, label: 'ae', p: 0.6123, top: [['ae', 0.6123]] }],
    });
  });

  it('returns undefined for text that is not a JSON object with a string type', () => {
    for (const text of ['oops', '[]', 'null', '42', '{"type":3}', '{"stream":"s1"}']) {
      assert.equal(parseServerMessage(text), undefined, text);
    }
  });
});
