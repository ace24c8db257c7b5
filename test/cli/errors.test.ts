import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cli, type CliResult } from './run-cli.ts';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const WAV = 'fixtures/corpus/ljspeech/wav/LJ001-0002.wav';

let dir = '';
const paths = { unlabelled: '', notAudio: '', noModel: '', badLabels: '' };
/** Every case's CLI run, started together in `before` (a few at a time) to keep the file fast. */
const results = new Map<string, Promise<CliResult>>();
const CASES: Record<string, () => string[]> = {
  unknownCommand: () => ['bogus'],
  unknownOption: () => ['replay', 'fixtures/corpus', '--bogus'],
  badK1: () => ['replay', 'fixtures/corpus', '--k1', '0'],
  badEpochs: () => ['replay', 'fixtures/corpus', '--epochs', 'x'],
  missingCorpus: () => ['replay', join(dir, 'no-such-corpus')],
  unlabelledCorpus: () => ['replay', paths.unlabelled],
  notAudio: () => ['features', paths.notAudio],
  evalWithoutLoad: () => ['eval', 'fixtures/corpus'],
  evalLoadNoModel: () => ['eval', 'fixtures/corpus', '--load', paths.noModel],
  replayLoadNoModel: () => ['replay', 'fixtures/corpus', '--load', paths.noModel],
  debug: () => ['replay', 'fixtures/corpus', '--k1', '0', '--debug'],
  // TIMIT labels (h#, …) against the bundled ARPAbet model: refused up front, naming the label file
  evalOtherPhoneSet: () => ['eval', 'fixtures/synthetic/timit', '--load', 'fixtures/checkpoint'],
  badLabelsCorpus: () => ['replay', paths.badLabels],
  shortFile: () => ['features', 'fixtures/audio/short-300.wav'],
  negativeHidden: () => ['replay', 'fixtures/corpus', '--hidden', '-3'],
  negativeLr: () => ['replay', 'fixtures/corpus', '--lr', '-1'],
  summaryNoDir: () => ['replay', 'fixtures/corpus', '--summary', join(dir, 'no-such-dir', 'out.json')],
  summaryIsDir: () => ['replay', 'fixtures/corpus', '--summary', dir],
  saveIsFile: () => ['replay', 'fixtures/corpus', '--save', join(dir, 'notes.wav')],
  statsOutNoDir: () => ['stats', 'fixtures/corpus', '--out', join(dir, 'no-such-dir', 'stats.json')],
  evalSummaryNoDir: () => ['eval', 'fixtures/corpus', '--load', 'fixtures/checkpoint', '--summary', join(dir, 'no-such-dir', 'e.json')],
};

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'phonestream-errors-cli-'));
  paths.unlabelled = join(dir, 'unlabelled');
  await mkdir(paths.unlabelled);
  await copyFile(WAV, join(paths.unlabelled, 'LJ001-0002.wav'));
  paths.notAudio = join(dir, 'notes.wav');
  await writeFile(paths.notAudio, 'these are notes, not audio\n');
  paths.badLabels = join(dir, 'bad-labels');
  await mkdir(paths.badLabels);
  await copyFile(WAV, join(paths.badLabels, 'LJ001-0002.wav'));
  await writeFile(join(paths.badLabels, 'LJ001-0002.PHN'), '0 1600 h#\n1600 800 ix\n');
  paths.noModel = join(dir, 'empty-checkpoint');
  await mkdir(paths.noModel);
  const names = Object.keys(CASES);
  let next = 0;
  const gates: Promise<void>[] = [];
  for (let worker = 0; worker < 4; worker++) {
    gates.push(
      (async () => {
        while (next < names.length) {
          const name = names[next++];
          const p = cli(...CASES[name]());
          results.set(name, p);
          await p;
        }
      })(),
    );
  }
  await Promise.all(gates);
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Asserts a failed run with exactly one stderr line, no stack, containing every `parts`; returns the line. */
async function oneLineError(name: string, ...parts: string[]): Promise<string> {
  const res = await results.get(name)!;
  assert.notEqual(res.code, 0, `${name}: exit status`);
  assert.equal(res.stdout, '', `${name}: nothing on stdout`);
  const lines = res.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `${name}: one line, got:\n${res.stderr}`);
  assert.match(lines[0], /^phonestream: /);
  assert.doesNotMatch(lines[0], /\bat .*:\d+:\d+/, 'no stack frames');
  for (const part of parts) assert.ok(lines[0].includes(part), `${name}: ${JSON.stringify(part)} in ${JSON.stringify(lines[0])}`);
  return lines[0];
}

describe('phonestream errors', () => {
  it('should name an unknown command and list the commands', async () => {
    await oneLineError('unknownCommand', '"bogus"', 'replay, eval, serve, features, stats');
    assert.equal((await results.get('unknownCommand')!).code, 2);
  });

  it('should name an unknown option and the command', async () => {
    await oneLineError('unknownOption', '--bogus', 'phonestream replay --help');
  });

  it('should name a bad number and what was expected', async () => {
    assert.equal(await oneLineError('badK1', '--k1'), 'phonestream: --k1 must be an integer ≥ 1, got "0"');
    assert.equal(await oneLineError('badEpochs', '--epochs'), 'phonestream: --epochs must be an integer from 1 to 10000, got "x"');
  });

  it('should give a negative number the range message, not the parser\'s', async () => {
    assert.equal(await oneLineError('negativeHidden'), 'phonestream: --hidden must be an integer from 1 to 4096, got "-3"');
    assert.equal(await oneLineError('negativeLr'), 'phonestream: --lr must be a number from 0 to 10, got "-1"');
  });

  it('should check output paths before any work, naming the option and the path', async () => {
    await oneLineError('summaryNoDir', 'replay: --summary', join(dir, 'no-such-dir'), 'does not exist');
    await oneLineError('summaryIsDir', `replay: --summary ${dir}: is a directory`);
    await oneLineError('saveIsFile', `replay: --save ${join(dir, 'notes.wav')}: exists and is not a directory`);
    await oneLineError('statsOutNoDir', 'stats: --out', 'does not exist');
    await oneLineError('evalSummaryNoDir', 'eval: --summary', 'does not exist');
  });

  it('should name a missing corpus directory', async () => {
    await oneLineError('missingCorpus', join(dir, 'no-such-corpus'), 'ENOENT');
  });

  it('should name a corpus with no usable files, after a warning naming each skipped file', async () => {
    const res = await results.get('unlabelledCorpus')!;
    assert.notEqual(res.code, 0);
    const lines = res.stderr.trimEnd().split('\n');
    // the skipped file is a warning of its own; the error is the last line and names the directory
    assert.equal(lines.length, 2, res.stderr);
    assert.match(lines[0], /^skipped .*LJ001-0002\.wav: no label file/);
    assert.equal(lines[1], `phonestream: ${paths.unlabelled}: no usable utterances (audio files with a label file of the same stem)`);
  });

  it('should name the corpus when none of its label files can be read, after naming each one', async () => {
    const res = await results.get('badLabelsCorpus')!;
    assert.notEqual(res.code, 0);
    const lines = res.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 2, res.stderr);
    assert.match(lines[0], /^skipped .*LJ001-0002\.PHN:/);
    assert.equal(lines[1], `phonestream: ${paths.badLabels}: none of its 1 label file(s) could be read (see the skipped files above)`);
  });

  it('should name a file that is not audio', async () => {
    await oneLineError('notAudio', paths.notAudio, 'not a WAV, NIST SPHERE, FLAC or MP3 file');
  });

  it('should name a file shorter than one frame', async () => {
    assert.equal(
      await oneLineError('shortFile'),
      'phonestream: fixtures/audio/short-300.wav: shorter than one 25 ms frame: 300 samples at 16 kHz (400 needed)',
    );
  });

  it('should say eval needs --load', async () => {
    await oneLineError('evalWithoutLoad', '--load');
  });

  it('should name model.json when --load points at a directory without one', async () => {
    await oneLineError('evalLoadNoModel', join(paths.noModel, 'model.json'));
    await oneLineError('replayLoadNoModel', join(paths.noModel, 'model.json'));
  });

  it('should name the label file whose phone the loaded model cannot output', { skip: !existsSync('fixtures/checkpoint/model.json') && 'no bundled checkpoint' }, async () => {
    const res = await results.get('evalOtherPhoneSet')!;
    assert.notEqual(res.code, 0);
    assert.equal(res.stdout, '');
    const lines = res.stderr.trimEnd().split('\n');
    // the corpus's own broken files are warnings first; the error is the last line
    for (const line of lines.slice(0, -1)) assert.match(line, /^skipped fixtures\/synthetic\/timit\//);
    assert.match(lines.at(-1)!, /^phonestream: fixtures\/synthetic\/timit\/\S+\.PHN: unknown phone "h#" at 0\.000 s; not in the model's phone set \(aa /);
  });

  it('should print the stack with --debug', async () => {
    const res = await results.get('debug')!;
    assert.notEqual(res.code, 0);
    const lines = res.stderr.trimEnd().split('\n');
    assert.ok(lines.length > 2, res.stderr);
    assert.match(lines[0], /^phonestream: ConfigError: --k1 must be an integer ≥ 1, got "0"$/);
    assert.match(lines[1], /^\s+at .*parse-options\.ts:\d+:\d+/);
  });
});
