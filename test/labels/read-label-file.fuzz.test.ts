import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { InputError } from '../../src/errors.ts';
import { readLabelFile } from '../../src/labels/read-label-file.ts';
import { applyRecipe, corruptLabelLine, describeCase, FUZZ_SEED, loadFixtures, recipe } from '../fuzz/file-mutations.ts';

/**
 * Mutated copies of every label fixture (the LJSpeech TextGrids, each synthetic .PHN, .lab and
 * .TextGrid, good and bad) must parse into one or more ordered, finite segments or be refused with an
 * InputError naming the file (and line); never another error or a hang.
 */
const fixtures = [...loadFixtures('fixtures/corpus/ljspeech/TextGrid', /\.TextGrid$/), ...loadFixtures('fixtures/synthetic', /\.(PHN|lab|TextGrid)$/i)];
const dir = mkdtempSync(join(tmpdir(), 'phonestream-fuzz-labels-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('label readers under mutated input (seeded fuzz)', { timeout: 300_000 }, () => {
  it(`readLabelFile: 2000 mutated .PHN, .lab and .TextGrid files (seed ${FUZZ_SEED})`, async () => {
    await fc.assert(
      fc.asyncProperty(recipe, async (r) => {
        const where = describeCase(FUZZ_SEED, r);
        const { fixture, bytes } = applyRecipe(r, fixtures, corruptLabelLine);
        // Same name, so the same parser (chosen by extension) reads the mutated copy.
        const path = join(dir, basename(fixture.path));
        await writeFile(path, bytes);
        let segments;
        try {
          segments = await readLabelFile(path);
        } catch (err) {
          assert.ok(err instanceof InputError, `${where}: expected an InputError, got ${err instanceof Error ? err.stack : String(err)}`);
          assert.ok(err.source === path || err.source.startsWith(`${path}:`), `${where}: source ${err.source}`);
          assert.ok(err.message.startsWith(err.source), `${where}: ${err.message}`);
          return;
        }
        // An empty result would label the whole utterance silence without a word.
        assert.ok(segments.length > 0, `${where}: no segments and no error`);
        let previousEnd = 0;
        for (const s of segments) {
          assert.ok(Number.isFinite(s.start) && Number.isFinite(s.end), `${where}: ${JSON.stringify(s)}`);
          // Order as assertSegmentOrder promises: no negative, reversed or overlapping (past 1 µs) segment.
          assert.ok(s.start >= 0 && s.end > s.start && s.start >= previousEnd - 1e-6, `${where}: ${JSON.stringify(s)} after ${previousEnd}`);
          assert.equal(typeof s.phone, 'string', where);
          previousEnd = s.end;
        }
      }),
      { seed: FUZZ_SEED, numRuns: 2000, includeErrorInReport: true },
    );
  });
});
