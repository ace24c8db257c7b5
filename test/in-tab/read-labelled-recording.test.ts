import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { InputError } from '../../src/errors.ts';
import { pickRecordingFiles, readLabelledRecording } from '../../src/in-tab/read-labelled-recording.ts';
import { parseLabelBytes, labelExtension } from '../../src/labels/parse-label-bytes.ts';
import { PHONE_SETS } from '../../src/labels/phone-sets.ts';
import { loadUtterance } from '../../src/corpus/load-utterance.ts';

const WAV = 'fixtures/corpus/ljspeech/wav/LJ001-0008.wav';
const GRID = 'fixtures/corpus/ljspeech/TextGrid/LJ001-0008.TextGrid';
const bytesOf = async (path: string) => new Uint8Array(await readFile(path));
const text = (s: string) => new TextEncoder().encode(s);

describe('a labelled recording dropped on the page', () => {
  it('reads like the corpus reader: the same 16 kHz samples and fitted segments as loadUtterance', async () => {
    const u = await readLabelledRecording(
      [{ name: 'LJ001-0008.TextGrid', bytes: await bytesOf(GRID) }, { name: 'LJ001-0008.wav', bytes: await bytesOf(WAV) }],
      PHONE_SETS.arpabet,
    );
    assert.equal(u.id, 'LJ001-0008');
    assert.equal(u.audio.sampleRate, 16000);
    assert.ok(u.audio.samples.length > 16000);
    const fromDisk = await loadUtterance({ id: 'LJ001-0008', audioPath: WAV, labelPath: GRID }, { phoneSet: 'arpabet' });
    assert.deepEqual(u.audio.samples, fromDisk.audio.samples);
    assert.deepEqual(u.segments, fromDisk.segments);
  });

  it('reads .lab and .PHN labels too, whatever the case of the extension', async () => {
    assert.deepEqual(parseLabelBytes(text('0.0 0.5 sil\n0.5 0.8 AA1\n'), 'a.LAB'), [
      { start: 0, end: 0.5, phone: 'sil' }, { start: 0.5, end: 0.8, phone: 'aa' },
    ]);
    assert.deepEqual(parseLabelBytes(text('0 8000 h#\n8000 16000 aa\n'), 'x/SA1.PHN', { normalize: false }), [
      { start: 0, end: 0.5, phone: 'h#' }, { start: 0.5, end: 1, phone: 'aa' },
    ]);
    assert.equal(labelExtension('dir.v2/file'), '');
    assert.equal(labelExtension('C:\\data\\a.TextGrid'), '.textgrid');
  });

  it('wants exactly one recording and one label file, naming what it got', async () => {
    assert.throws(() => pickRecordingFiles([{ name: 'a.wav', bytes: text('') }]), (err: unknown) =>
      err instanceof InputError && err.source === 'a.wav' && /expected one recording .* and one label file .*got 1 and 0/.test(err.message));
    assert.throws(() => pickRecordingFiles([]), /no files.*got 0 and 0/);
    assert.throws(() => pickRecordingFiles([
      { name: 'a.wav', bytes: text('') }, { name: 'b.wav', bytes: text('') }, { name: 'a.lab', bytes: text('') },
    ]), /got 2 and 1/);
  });

  it('bad labels and phones the model does not know are InputErrors naming the label file', async () => {
    const wav = { name: 'LJ001-0008.wav', bytes: await bytesOf(WAV) };
    await assert.rejects(readLabelledRecording([wav, { name: 'a.lab', bytes: text('') }], PHONE_SETS.arpabet), (err: unknown) =>
      err instanceof InputError && err.source === 'a.lab' && /no phone segments/.test(err.message));
    await assert.rejects(readLabelledRecording([wav, { name: 'a.lab', bytes: text('0 0.5 zz\n') }], PHONE_SETS.arpabet), (err: unknown) =>
      err instanceof InputError && err.source === 'a.lab' && /zz/.test(err.message));
    await assert.rejects(readLabelledRecording([{ name: 'x.wav', bytes: text('RIFF nonsense') }, { name: 'a.lab', bytes: text('0 0.5 aa\n') }], PHONE_SETS.arpabet),
      (err: unknown) => err instanceof InputError && err.source === 'x.wav');
  });
});
