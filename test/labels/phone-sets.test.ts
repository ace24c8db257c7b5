import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError } from '../../src/errors.ts';
import { assertPhonesInSet } from '../../src/labels/assert-phones-in-set.ts';
import { discoverPhoneSet } from '../../src/labels/discover-phone-set.ts';
import { foldTimit39 } from '../../src/labels/fold-timit-39.ts';
import { normalizePhone } from '../../src/labels/normalize-phone.ts';
import { PHONE_SETS } from '../../src/labels/phone-sets.ts';

describe('phone sets', () => {
  it('normalises symbols: lowercase, stress digits off, sp and empty → sil', () => {
    assert.deepEqual(['AH0', 'IY1', 'ER2', 'sp', '', ' SIL ', 'h#', 'ax-h', 'PAU', 'HH'].map(normalizePhone), [
      'ah', 'iy', 'er', 'sil', 'sil', 'sil', 'h#', 'ax-h', 'pau', 'hh',
    ]);
  });

  it('has the sizes of the published sets', () => {
    assert.equal(PHONE_SETS.timit61.length, 61);
    assert.equal(PHONE_SETS.timit39.length, 39);
    assert.equal(PHONE_SETS.arpabet.length, 40);
    assert.equal(PHONE_SETS.radio.length, 50);
    for (const set of Object.values(PHONE_SETS)) assert.deepEqual([...set], [...new Set(set)].sort());
  });

  it('folds TIMIT 61 onto exactly the 39 scoring classes (Lee & Hon 1989), deleting q', () => {
    const folded = new Set(PHONE_SETS.timit61.map(foldTimit39).filter((p) => p !== null));
    assert.deepEqual([...folded].sort(), [...PHONE_SETS.timit39]);
    assert.equal(foldTimit39('q'), null);
    const pairs: [string, string][] = [
      ['ao', 'aa'], ['ax', 'ah'], ['ax-h', 'ah'], ['axr', 'er'], ['hv', 'hh'], ['ix', 'ih'], ['el', 'l'], ['em', 'm'],
      ['en', 'n'], ['nx', 'n'], ['eng', 'ng'], ['zh', 'sh'], ['ux', 'uw'], ['pcl', 'sil'], ['tcl', 'sil'], ['kcl', 'sil'],
      ['bcl', 'sil'], ['dcl', 'sil'], ['gcl', 'sil'], ['h#', 'sil'], ['pau', 'sil'], ['epi', 'sil'], ['dx', 'dx'], ['iy', 'iy'],
    ];
    for (const [from, to] of pairs) assert.equal(foldTimit39(from), to, from);
  });

  it('covers every phone of the real LJSpeech fixture alignments with arpabet', async () => {
    const { readLabelFile } = await import('../../src/labels/read-label-file.ts');
    const segs = await readLabelFile('fixtures/corpus/ljspeech/TextGrid/LJ001-0042.TextGrid');
    assert.doesNotThrow(() => assertPhonesInSet(segs, PHONE_SETS.arpabet, 'x', 'arpabet'));
  });

  it('discovers the sorted unique set', () => {
    const a = [{ start: 0, end: 1, phone: 'sil' }, { start: 1, end: 2, phone: 'b' }];
    const b = [{ start: 0, end: 1, phone: 'aa' }, { start: 1, end: 2, phone: 'b' }];
    assert.deepEqual(discoverPhoneSet([a, b]), ['aa', 'b', 'sil']);
    assert.deepEqual(discoverPhoneSet([]), []);
  });

  it('refuses an unknown symbol against a given set, naming file and symbol', () => {
    const segs = [{ start: 0, end: 1, phone: 'aa' }, { start: 1.5, end: 2, phone: 'spn' }];
    assert.throws(
      () => assertPhonesInSet(segs, PHONE_SETS.arpabet, 'a.TextGrid', 'arpabet'),
      (err: unknown) => err instanceof InputError && err.source === 'a.TextGrid' && /unknown phone "spn" at 1\.500 s; not in the arpabet phone set/.test(err.message),
    );
  });
});
