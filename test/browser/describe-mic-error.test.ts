import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeMicError } from '../../src/browser/describe-mic-error.ts';

describe('describeMicError', () => {
  it('says what to do for a refused, missing or busy microphone', () => {
    assert.match(describeMicError(new DOMException('denied', 'NotAllowedError')), /refused: allow it/);
    assert.match(describeMicError(new DOMException('none', 'NotFoundError')), /No microphone was found/);
    assert.match(describeMicError(new DOMException('busy', 'NotReadableError')), /busy/);
  });

  it('explains a page without mediaDevices (an insecure origin)', () => {
    assert.match(describeMicError(undefined), /https, or at localhost/);
  });

  it("passes any other error's message on", () => {
    assert.equal(
      describeMicError(new Error('Unable to load a worklet')),
      'The microphone could not be started: Unable to load a worklet',
    );
  });
});
