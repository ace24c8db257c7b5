import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError } from '../../src/errors.ts';
import { fitSegmentsToDuration, type LabelWarning } from '../../src/labels/fit-segments-to-duration.ts';
import { readLabelFile } from '../../src/labels/read-label-file.ts';

describe('fitSegmentsToDuration', () => {
  it('clips the real LJ001-0042 alignment (0.78 s of sil past the end) with one warning', async () => {
    // Its last phones: M to 6.67124716553288 s, then sil to 7.45 s; the audio is 106740 samples = 6.67125 s.
    const file = 'fixtures/corpus/ljspeech/TextGrid/LJ001-0042.TextGrid';
    const segs = await readLabelFile(file);
    const duration = 106740 / 16000; // the fixture WAV's sample count
    const warnings: LabelWarning[] = [];
    const fitted = fitSegmentsToDuration(segs, duration, file, { onWarning: (w) => warnings.push(w) });
    assert.equal(fitted.length, segs.length);
    assert.deepEqual(fitted.slice(0, -1), segs.slice(0, -1));
    assert.deepEqual(fitted.at(-1), { start: 6.67124716553288, end: duration, phone: 'sil' });
    assert.equal(warnings.length, 1);
    assert.equal(warnings[0].file, file);
    assert.match(warnings[0].message, /labels run 0\.779 s past the end of the audio \(6\.671 s\); clipped/);
  });

  it('drops segments starting after the end', () => {
    const segs = [{ start: 0, end: 1, phone: 'a' }, { start: 1, end: 1.2, phone: 'sil' }];
    assert.deepEqual(fitSegmentsToDuration(segs, 1, 'f'), [{ start: 0, end: 1, phone: 'a' }]);
  });

  it('clips a last phone a little past the end with a warning', () => {
    const warnings: LabelWarning[] = [];
    const segs = [{ start: 0, end: 1, phone: 'a' }, { start: 1, end: 1.3, phone: 'b' }];
    assert.deepEqual(fitSegmentsToDuration(segs, 1.1, 'f', { onWarning: (w) => warnings.push(w) }), [
      { start: 0, end: 1, phone: 'a' },
      { start: 1, end: 1.1, phone: 'b' },
    ]);
    assert.equal(warnings.length, 1);
  });

  it('refuses more than maxOverrun seconds of phones past the end', () => {
    const segs = [{ start: 0, end: 1, phone: 'a' }, { start: 1, end: 2, phone: 'b' }];
    assert.throws(
      () => fitSegmentsToDuration(segs, 1.2, 'f.TextGrid'),
      (err: unknown) => err instanceof InputError && /^f\.TextGrid: labels run 0\.800 s past the end.*0\.800 s of it phones; at most 0\.5 s/.test(err.message),
    );
    assert.doesNotThrow(() => fitSegmentsToDuration(segs, 1.2, 'f', { maxOverrun: 1 }));
  });

  it('clips sub-millisecond rounding silently and leaves fitting labels alone', () => {
    const warnings: LabelWarning[] = [];
    const onWarning = (w: LabelWarning) => warnings.push(w);
    const segs = [{ start: 0, end: 1.00003, phone: 'a' }];
    assert.deepEqual(fitSegmentsToDuration(segs, 1, 'f', { onWarning }), [{ start: 0, end: 1, phone: 'a' }]);
    const inside = [{ start: 0, end: 0.5, phone: 'a' }];
    assert.deepEqual(fitSegmentsToDuration(inside, 1, 'f', { onWarning }), inside);
    assert.equal(warnings.length, 0);
  });
});
