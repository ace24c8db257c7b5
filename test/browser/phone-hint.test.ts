import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { phoneHint } from '../../src/browser/phone-hint.ts';

describe('phoneHint', () => {
  it('gives IPA and an example word, ignoring case and stress digits', () => {
    assert.deepEqual(phoneHint('ae'), { ipa: 'æ', example: 'at' });
    assert.deepEqual(phoneHint('AE1'), { ipa: 'æ', example: 'at' });
    assert.deepEqual(phoneHint('th'), { ipa: 'θ', example: 'theta' });
  });

  it('marks silence labels', () => {
    for (const label of ['sil', 'sp', 'spn', 'h#', 'pau', '']) assert.deepEqual(phoneHint(label), { silence: true }, label);
  });

  it('knows nothing of unknown labels', () => {
    assert.deepEqual(phoneHint('qx'), {});
  });
});
