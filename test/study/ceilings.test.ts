import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { command } from '../../src/cli/commands/ceilings.ts';
import { listCorpora } from '../../src/cli/list-corpora.ts';
import { splitByFile } from '../../src/corpus/split-by-file.ts';
import { selectBackend } from '../../src/learner/select-backend.ts';
import type { CeilingFigures, CeilingsReport } from '../../src/study/ceilings-report.ts';
import { readSplitFeatures, type SplitManifest } from '../../src/study/export-split-features.ts';
import { linkTrainingCorpus } from '../../src/study/link-training-corpus.ts';
import { findTorchPython, runCeilings } from '../../src/study/run-ceilings.ts';
import { readCeilings } from '../../src/study/run-study.ts';
import { STUDY_SPLIT, studySplit } from '../../src/study/study-split.ts';
import type { OfflineEpoch } from '../../src/study/train-offline-lstm.ts';

const CORPUS = 'fixtures/corpus';
let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'phonestream-ceilings-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const quiet = () => {};
const ids = (xs: readonly { id: string }[]) => xs.map((x) => x.id);

function assertFigures(f: CeilingFigures, label: string, maxEpochs: number, streamable: boolean) {
  for (const key of ['heldOutAccuracy', 'validationAccuracy'] as const) {
    assert.ok(f[key] >= 0 && f[key] <= 1, `${label} ${key} ${f[key]} in [0, 1]`);
  }
  assert.ok(f.heldOutKappa === null || (f.heldOutKappa >= -1 && f.heldOutKappa <= 1), `${label} kappa ${f.heldOutKappa}`);
  assert.ok(Number.isInteger(f.epochs) && f.epochs >= 1 && f.epochs <= maxEpochs, `${label} epochs ${f.epochs}`);
  assert.ok(f.bestEpoch >= 1 && f.bestEpoch <= f.epochs, `${label} best epoch ${f.bestEpoch}`);
  assert.ok(f.seconds > 0 && f.parameters > 0, label);
  assert.equal(f.streamable, streamable, `${label} streamable`);
  assert.equal(f.history?.length, f.epochs, `${label}: an epoch record each`);
  assert.equal(f.validationAccuracy, f.history![f.bestEpoch - 1].validationAccuracy, `${label}: the best epoch's validation accuracy`);
  assert.equal(f.validationAccuracy, Math.max(...f.history!.map((h) => h.validationAccuracy)));
}

describe('the study split', () => {
  it('should be replay\'s held-out split and, of its training files, the validation split the study replays OUT/train with', async () => {
    const entries = await listCorpora([CORPUS], quiet);
    const { fit, validation, heldOut } = studySplit(entries);
    const replay = splitByFile(entries, STUDY_SPLIT.heldOut, STUDY_SPLIT.splitSeed);
    assert.deepEqual(ids(heldOut), ids(replay.heldOut));
    assert.deepEqual([...ids(fit), ...ids(validation)].sort(), ids(replay.train).sort());
    const roots = await linkTrainingCorpus([CORPUS], join(dir, 'train'), STUDY_SPLIT.heldOut, STUDY_SPLIT.splitSeed);
    const linked = splitByFile(await listCorpora(roots, quiet), STUDY_SPLIT.validationHeldOut, STUDY_SPLIT.validationSplitSeed);
    assert.deepEqual(ids(validation), ids(linked.heldOut));
    assert.deepEqual(ids(fit), ids(linked.train));
  });
});

describe('runCeilings', () => {
  it('should train the tfjs LSTM and BLSTM (and the PyTorch pair when torch is there) and write a ceilings report', async (t) => {
    const out = join(dir, 'tiny');
    const found = await findTorchPython();
    if ('problem' in found) t.diagnostic(`PyTorch part skipped: ${found.problem}`);
    const python = 'problem' in found ? undefined : found.python;
    await selectBackend();
    const tensorsBefore = tf.memory().numTensors;
    const epochs: Record<string, OfflineEpoch[]> = { lstm: [], blstm: [] };
    const report = await runCeilings({
      corpora: [CORPUS],
      out,
      hidden: 8,
      batch: 2,
      lr: 3e-3,
      maxEpochs: 2,
      patience: 3,
      seed: 1,
      python,
      onEpoch: (model, e) => epochs[model].push(e),
    });
    // Every tensor disposed: the same count after each epoch, and after training as before.
    for (const model of ['lstm', 'blstm']) {
      assert.equal(epochs[model].length, 2, model);
      assert.equal(epochs[model][0].tensors, epochs[model][1].tensors, `${model}: tensors flat across epochs`);
    }
    assert.equal(tf.memory().numTensors, tensorsBefore, 'no tensor left after training');

    const saved = (await readCeilings(join(out, 'ceilings.json'))) as CeilingsReport;
    assert.deepEqual(saved, JSON.parse(JSON.stringify(report)));
    const manifest: SplitManifest = JSON.parse(await readFile(join(out, 'features', 'manifest.json'), 'utf8'));
    const split = studySplit(await listCorpora([CORPUS], quiet));
    assert.deepEqual(ids(manifest.parts.fit), ids(split.fit));
    assert.deepEqual(ids(manifest.parts.validation), ids(split.validation));
    assert.deepEqual(ids(manifest.parts.heldOut), ids(split.heldOut));
    assert.deepEqual(
      [report.fitFiles, report.validationFiles, report.heldOutFiles, report.dims, report.phones, report.hidden],
      [split.fit.length, split.validation.length, split.heldOut.length, 26, manifest.phones.length, 8],
    );
    const { data } = await readSplitFeatures(join(out, 'features'));
    assert.ok(data.parts.fit.every((s) => s.features.length === 26 * s.frames && s.labels.every((l) => l < manifest.phones.length)));

    assertFigures(report.tfjs.lstm, 'tfjs LSTM', 2, true);
    assertFigures(report.tfjs.blstm, 'tfjs BLSTM', 2, false);
    assert.ok(report.tfjs.blstm.parameters > report.tfjs.lstm.parameters, 'the BLSTM has two directions');
    assert.deepEqual(
      { ...report.settings, tfjsBackend: undefined, torch: undefined, torchThreads: undefined },
      { corpora: [CORPUS], hidden: 8, batch: 2, lr: 3e-3, maxEpochs: 2, patience: 3, seed: 1, split: { ...STUDY_SPLIT }, tfjsBackend: undefined, torch: undefined, torchThreads: undefined },
    );
    assert.ok(report.seconds! > 0);
    if (python === undefined) {
      assert.equal(report.pytorch, null);
      assert.equal(report.agreement, null);
      return;
    }
    assertFigures(report.pytorch!.lstm, 'PyTorch LSTM', 2, true);
    assertFigures(report.pytorch!.blstm, 'PyTorch BLSTM', 2, false);
    assert.equal(report.pytorch!.lstm.parameters, report.tfjs.lstm.parameters + 4 * 8, 'the same model (PyTorch has a second bias per gate)');
    assert.equal(report.pytorch!.blstm.parameters, report.tfjs.blstm.parameters + 2 * 4 * 8);
    assert.equal(report.settings!.torch, (found as { torch: string }).torch);
    for (const model of ['lstm', 'blstm'] as const) {
      const a = report.agreement![model];
      assert.ok(Math.abs(a.points - 100 * (report.tfjs[model].heldOutAccuracy - report.pytorch![model].heldOutAccuracy)) < 1e-9);
      assert.equal(a.withinBound, Math.abs(a.points) <= 1.5 + 1e-9);
    }
    assert.equal(report.agreement!.boundPoints, 1.5);
  });
});

describe('phonestream ceilings', () => {
  it('should check --out and --pytorch before any work', async () => {
    const file = join(dir, 'a-file');
    await writeFile(file, 'x');
    await assert.rejects(command.run([CORPUS, '--out', file]), /out.*not a directory/);
    await assert.rejects(command.run([CORPUS]), /--out DIR is required/);
    const out = join(dir, 'no-torch');
    await assert.rejects(command.run([CORPUS, '--out', out, '--pytorch', '--python', join(dir, 'no-such-python')]), /no Python with torch.*not found/);
    await assert.rejects(stat(out), { code: 'ENOENT' }, 'nothing written');
    await assert.rejects(command.run([CORPUS, '--out', out, '--python', 'python3']), /--python is for --pytorch/);
  });
});
