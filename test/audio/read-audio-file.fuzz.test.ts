import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { decodeAudio } from '../../src/audio/decode-audio.ts';
import type { MonoAudio } from '../../src/audio/mono-audio.ts';
import { readAudioFile } from '../../src/audio/read-audio-file.ts';
import { InputError } from '../../src/errors.ts';
import { applyRecipe, corruptAudioField, describeCase, FUZZ_SEED, loadFixtures, recipe } from '../fuzz/file-mutations.ts';

/**
 * Mutated copies of every audio fixture (the LJSpeech WAVs, each synthetic WAV and SPHERE file,
 * the broken ones too) must decode or be refused with an InputError naming the file; never
 * another error, a hang, or more samples than the file has bytes to hold.
 */
const fixtures = [...loadFixtures('fixtures/corpus/ljspeech/wav', /\.wav$/), ...loadFixtures('fixtures/synthetic', /\.(wav|sph)$/i)];
const dir = mkdtempSync(join(tmpdir(), 'phonestream-fuzz-audio-'));
after(() => rmSync(dir, { recursive: true, force: true }));

type Outcome = { audio: MonoAudio } | { error: unknown };

/**
 * Checks one outcome: a sound result or an InputError naming `path`.
 * @param c.bytes the mutated file's size; @param c.where the seed and recipe, for the message
 */
function check(outcome: Outcome, c: { path: string; bytes: number; where: string; resampled: boolean }): void {
  const { path, bytes, where, resampled } = c;
  if ('error' in outcome) {
    const err = outcome.error;
    assert.ok(err instanceof InputError, `${where}: expected an InputError, got ${err instanceof Error ? err.stack : String(err)}`);
    assert.equal(err.source, path, where);
    assert.ok(err.message.startsWith(`${path}: `), `${where}: ${err.message}`);
    return;
  }
  const { samples, sampleRate, source } = outcome.audio;
  assert.equal(source, path, where);
  if (resampled) assert.equal(sampleRate, 16000, where);
  else assert.ok(Number.isInteger(sampleRate) && sampleRate >= 8000 && sampleRate <= 192000, `${where}: sample rate ${sampleRate}`);
  // Every sample frame takes at least a byte, and resampling from 8 kHz or more at most doubles them.
  assert.ok(samples.length >= 1 && samples.length <= (resampled ? 2 : 1) * bytes, `${where}: ${samples.length} samples from ${bytes} bytes`);
  assert.ok(samples.every((x) => x >= -1 && x <= 1), `${where}: a sample outside [-1, 1] (or NaN)`);
}

describe('audio readers under mutated input (seeded fuzz)', { timeout: 300_000 }, () => {
  it(`decodeAudio: 3000 mutated WAV and SPHERE files (seed ${FUZZ_SEED})`, () => {
    fc.assert(
      fc.property(recipe, (r) => {
        const { fixture, bytes } = applyRecipe(r, fixtures, corruptAudioField);
        // The name readAudioFile would pass for a file of this name in the temp dir.
        const path = join(dir, basename(fixture.path));
        let outcome: Outcome;
        try {
          outcome = { audio: decodeAudio(bytes, path) };
        } catch (error) {
          outcome = { error };
        }
        check(outcome, { path, bytes: bytes.length, where: describeCase(FUZZ_SEED, r), resampled: false });
      }),
      { seed: FUZZ_SEED, numRuns: 3000, includeErrorInReport: true },
    );
  });

  // The path a user hits: a file on disk, read, decoded and resampled. Fewer cases, since a
  // mutated sample rate means a libsamplerate run of up to half a second on the long files.
  it(`readAudioFile: 150 mutated files written to disk (seed ${FUZZ_SEED + 1})`, async () => {
    await fc.assert(
      fc.asyncProperty(recipe, async (r) => {
        const { fixture, bytes } = applyRecipe(r, fixtures, corruptAudioField);
        const path = join(dir, basename(fixture.path));
        await writeFile(path, bytes);
        const outcome: Outcome = await readAudioFile(path).then(
          (audio) => ({ audio }),
          (error: unknown) => ({ error }),
        );
        check(outcome, { path, bytes: bytes.length, where: describeCase(FUZZ_SEED + 1, r), resampled: true });
      }),
      { seed: FUZZ_SEED + 1, numRuns: 150, includeErrorInReport: true },
    );
  });
});
