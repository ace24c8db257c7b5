import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { InputError } from '../../src/errors.ts';
import { parseLab } from '../../src/labels/parse-lab.ts';
import { parseTextGrid } from '../../src/labels/parse-text-grid.ts';
import { parseTimitPhn } from '../../src/labels/parse-timit-phn.ts';
import { readLabelFile } from '../../src/labels/read-label-file.ts';

const L = 'fixtures/synthetic/labels';

/** Rounds times to 1 µs so decimal inputs compare exactly. */
const rounded = (segs: { start: number; end: number; phone: string }[]) =>
  segs.map((s) => ({ start: Math.round(s.start * 1e6) / 1e6, end: Math.round(s.end * 1e6) / 1e6, phone: s.phone }));

describe('readLabelFile', () => {
  it('reads a TIMIT .PHN (sample offsets at 16 kHz)', async () => {
    assert.deepEqual(await readLabelFile(`${L}/timit.PHN`), [
      { start: 0, end: 0.025, phone: 'h#' },
      { start: 0.025, end: 0.05625, phone: 'sh' },
      { start: 0.05625, end: 0.08125, phone: 'ix' },
      { start: 0.08125, end: 0.1, phone: 'h#' },
    ]);
  });

  const sameTimes = [
    { start: 0, end: 0.025, phone: 'sil' },
    { start: 0.025, end: 0.05625, phone: 'hh' },
    { start: 0.05625, end: 0.08125, phone: 'ah' },
    { start: 0.08125, end: 0.1, phone: 'sil' },
  ];

  it('reads a festival .lab (end times after "#", as CMU ARCTIC ships)', async () => {
    const segs = await readLabelFile(`${L}/festival.lab`);
    assert.deepEqual(rounded(segs), [
      { start: 0, end: 0.025, phone: 'pau' },
      { start: 0.025, end: 0.05625, phone: 'hh' },
      { start: 0.05625, end: 0.08125, phone: 'ax' },
      { start: 0.08125, end: 0.1, phone: 'pau' },
    ]);
  });

  it('reads an HTK .lab in 100 ns units', async () => {
    assert.deepEqual(rounded(await readLabelFile(`${L}/htk.lab`)), sameTimes);
  });

  it('reads a .lab with times in seconds, normalising ARPAbet (stress, sp)', async () => {
    assert.deepEqual(rounded(await readLabelFile(`${L}/seconds.lab`)), sameTimes);
  });

  it('reads the phones tier of a short-format TextGrid; empty text is sil', async () => {
    assert.deepEqual(await readLabelFile(`${L}/short-format.TextGrid`), [
      { start: 0, end: 0.025, phone: 'sil' },
      { start: 0.025, end: 0.06, phone: 'hh' },
      { start: 0.06, end: 0.1, phone: 'aa' },
    ]);
  });

  it('reads a real MFA long-format TextGrid', async () => {
    const raw = await readLabelFile('fixtures/corpus/ljspeech/TextGrid/LJ001-0008.TextGrid', { normalize: false });
    const segs = await readLabelFile('fixtures/corpus/ljspeech/TextGrid/LJ001-0008.TextGrid');
    assert.ok(raw.length > 10);
    assert.equal(segs.length, raw.length);
    assert.equal(segs[0].start, 0);
    for (let i = 1; i < segs.length; i++) assert.equal(segs[i].start, segs[i - 1].end);
    // Raw symbols carry stress digits; normalised ones do not.
    assert.ok(raw.some((s) => /\d$/.test(s.phone)));
    assert.ok(segs.every((s) => /^[a-z]+$/.test(s.phone)));
    // "has never been surpassed": the first phones are HH AE1 Z.
    assert.deepEqual(segs.filter((s) => s.phone !== 'sil').slice(0, 3).map((s) => s.phone), ['hh', 'ae', 'z']);
  });

  it('reads another tier when asked', async () => {
    const words = await readLabelFile(`${L}/short-format.TextGrid`, { tier: 'words', normalize: false });
    assert.deepEqual(words, [{ start: 0, end: 0.1, phone: 'ha' }]);
  });

  const bad: [string, string, RegExp][] = [
    ['overlap.PHN', 'overlap.PHN:3', /overlapping times: segment "ix" starts at 0.05 s, before the previous one ends \(0.05625 s\)/],
    ['decreasing.lab', 'decreasing.lab:2', /decreasing times: segment "hh" ends at 0.03 s, before it starts \(0.05 s\)/],
    ['bad-line.PHN', 'bad-line.PHN:2', /expected "start end phone" with sample offsets .*got "400 sh"/],
    ['bad-festival.lab', 'bad-festival.lab:3', /expected festival "end_time colour phone".*got "abc 125 hh"/],
    ['no-phones-tier.TextGrid', 'no-phones-tier.TextGrid', /no interval tier named "phones" \(tiers present: "words"\)/],
    ['truncated.TextGrid', 'truncated.TextGrid', /truncated TextGrid/],
  ];
  for (const [file, where, pattern] of bad) {
    it(`refuses ${file}, naming the file and line`, async () => {
      await assert.rejects(readLabelFile(`${L}/${file}`), (err: unknown) => {
        assert.ok(err instanceof InputError);
        assert.equal(err.source, `${L}/${where}`);
        assert.match(err.message, pattern);
        return true;
      });
    });
  }

  it('refuses times too large to be finite, naming the line', () => {
    assert.throws(() => parseTimitPhn(`0 400 h#\n400 ${'9'.repeat(400)} sh\n`, 'a.PHN'), (err: unknown) => {
      assert.ok(err instanceof InputError);
      assert.equal(err.source, 'a.PHN:2');
      assert.match(err.message, /segment "sh" runs from 0\.025 s to Infinity s; times must be finite/);
      return true;
    });
    assert.throws(() => parseLab('0.0 1e999 sil\n', 'a.lab'), /^InputError: a\.lab:1: segment "sil" runs from 0 s to Infinity s; times must be finite/);
  });

  // On the old number pattern (`\d+\.?\d*`) this line backtracked for most of an hour; the
  // answer was the same, so what this guards is that the suite finishes at all.
  it('refuses a .lab line of a million digits at its line', () => {
    assert.throws(() => parseLab(`0 1 a\n${'1'.repeat(1e6)}\n`, 'a.lab'), /^InputError: a\.lab:2: expected "start end phone"/);
    assert.throws(() => parseLab(`#\n${'1'.repeat(1e6)}\n`, 'a.lab'), /^InputError: a\.lab:2: expected festival "end_time colour phone"/);
  });

  it('refuses a label file with no segments (empty, header only, empty tier, zero-length only)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'phonestream-labels-'));
    try {
      const empty: [string, string][] = [
        ['empty.PHN', ''],
        ['header-only.lab', 'separator ;\nnfields 1\n#\n'],
        ['zero-length.lab', '0.5 0.5 sil\n'],
        ['empty-tier.TextGrid', 'File type = "ooTextFile"\nObject class = "TextGrid"\n0\n1\n<exists>\n1\n"IntervalTier"\n"phones"\n0\n1\n0\n'],
      ];
      for (const [name, text] of empty) {
        const path = join(dir, name);
        writeFileSync(path, text);
        await assert.rejects(readLabelFile(path), (err: unknown) => {
          assert.ok(err instanceof InputError, name);
          assert.equal(err.source, path);
          assert.match(err.message, /no phone segments \(empty file or tier, or only zero-length segments\); expected at least one/);
          return true;
        });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses an unknown extension', async () => {
    await assert.rejects(readLabelFile('x.txt'), /x\.txt: unknown label file type "\.txt"/);
  });

  it('parsers accept CRLF line ends and Praat "" escapes', () => {
    assert.deepEqual(parseTimitPhn('0 160 h#\r\n160 320 b\r\n', 'a.PHN'), [
      { start: 0, end: 0.01, phone: 'h#' },
      { start: 0.01, end: 0.02, phone: 'b' },
    ]);
    assert.deepEqual(parseLab('0 100000 a\r\n100000 200000 b\r\n', 'a.lab'), [
      { start: 0, end: 0.01, phone: 'a' },
      { start: 0.01, end: 0.02, phone: 'b' },
    ]);
    const tg = 'File type = "ooTextFile"\nObject class = "TextGrid"\n0\n1\n<exists>\n1\n"IntervalTier"\n"phones"\n0\n1\n1\n0\n1\n"say ""hi"""\n';
    assert.deepEqual(parseTextGrid(tg, 'a.TextGrid'), [{ start: 0, end: 1, phone: 'say "hi"' }]);
  });

  it("finds MFA's multi-speaker tier name `<speaker> - phones`", () => {
    const tg =
      'File type = "ooTextFile"\nObject class = "TextGrid"\n0\n1\n<exists>\n2\n' +
      '"IntervalTier"\n"spk1 - words"\n0\n1\n1\n0\n1\n"hi"\n"IntervalTier"\n"spk1 - phones"\n0\n1\n2\n0\n0.5\n"HH"\n0.5\n1\n"AY1"\n';
    assert.deepEqual(parseTextGrid(tg, 'a.TextGrid').map((s) => s.phone), ['HH', 'AY1']);
  });

  it('refuses a file that is not a TextGrid', () => {
    assert.throws(() => parseTextGrid('hello', 'x.TextGrid'), /x\.TextGrid: not a Praat TextGrid/);
  });
});
