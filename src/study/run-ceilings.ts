import { execFile, spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ConfigError } from '../errors.ts';
import { PACKAGE_ROOT } from '../package-root.ts';
import type { CeilingAgreement, CeilingFigures, CeilingsReport } from './ceilings-report.ts';
import { exportSplitFeatures } from './export-split-features.ts';
import { CEILING_AGREEMENT_POINTS } from './render-study.ts';
import { STUDY_SPLIT } from './study-split.ts';
import type { OfflineEpoch, OfflineLstmResult, OfflineLstmSettings } from './train-offline-lstm.ts';

const run = promisify(execFile);

/** scripts/offline-ceilings.py, the PyTorch trainer of the same two models. */
export const PYTORCH_SCRIPT = fileURLToPath(new URL('scripts/offline-ceilings.py', PACKAGE_ROOT));

export interface CeilingsOptions extends OfflineLstmSettings {
  corpora: string[];
  /** OUT: ceilings.json, features/ (the exported split), pytorch.json (the script's figures). */
  out: string;
  dims?: 26 | 39;
  /** A Python with torch (see findTorchPython) to train the same models with the PyTorch script; none: tfjs only. */
  python?: string;
  /** Torch threads (default 1). */
  torchThreads?: number;
  /** A line per epoch of either framework and per finished model (default: none). */
  log?: (line: string) => void;
  /** Told of each tfjs epoch, with its tf.memory() tensor count. */
  onEpoch?: (model: 'lstm' | 'blstm', e: OfflineEpoch) => void;
}

/**
 * The first of `candidates` that imports torch (`$PHONESTREAM_PYTHON`, `python3`, Debian's
 * `/usr/bin/python3` by default: a pyenv or venv python3 first on the PATH may lack Debian's
 * python3-torch), with its torch version; else why none would do.
 */
export async function findTorchPython(candidates?: readonly string[]): Promise<{ python: string; torch: string } | { problem: string }> {
  const list = candidates ?? [...(process.env.PHONESTREAM_PYTHON ? [process.env.PHONESTREAM_PYTHON] : []), 'python3', '/usr/bin/python3'];
  const tried: string[] = [];
  for (const python of list) {
    try {
      const { stdout } = await run(python, ['-c', 'import torch; print(torch.__version__)'], { timeout: 60_000 });
      return { python, torch: stdout.trim() };
    } catch (err) {
      const e = err as { code?: string; stderr?: string };
      tried.push(`${python}: ${e.code === 'ENOENT' ? 'not found' : (e.stderr?.trim().split('\n').at(-1) ?? String(err))}`);
    }
  }
  return { problem: `no Python with torch (${tried.join('; ')}); install python3-torch or name one with --python` };
}

/** The figures of a trained model as the report keeps them (the tensor counts are the test's business). */
function figures(r: OfflineLstmResult | CeilingFigures, streamable: boolean): CeilingFigures {
  const { heldOutAccuracy, heldOutKappa, validationAccuracy, epochs, bestEpoch, seconds, parameters, stoppedBy } = r;
  const history = (r.history ?? []).map(({ epoch, trainLoss, validationAccuracy: v, seconds: s }) => ({ epoch, trainLoss, validationAccuracy: v, seconds: s }));
  return { heldOutAccuracy, heldOutKappa, validationAccuracy, epochs, bestEpoch, seconds, parameters, streamable, stoppedBy, history };
}

function agreement(tfjs: CeilingFigures, torch: CeilingFigures): CeilingAgreement {
  const points = 100 * (tfjs.heldOutAccuracy - torch.heldOutAccuracy);
  return { points, withinBound: Math.abs(points) <= CEILING_AGREEMENT_POINTS + 1e-9 };
}

/**
 * `phonestream ceilings`: the study's offline ceilings. Exports the study's split of the corpora as
 * features (OUT/features, see exportSplitFeatures), trains the LSTM and then the BLSTM on them with
 * TensorFlow.js (trainOfflineLstm), and, given a `python` with torch, the same two with
 * scripts/offline-ceilings.py on the same exported features and settings, in a child process that
 * runs alongside the tfjs training (its figures in OUT/pytorch.json). Writes OUT/ceilings.json
 * (CeilingsReport) when tfjs is done and again with PyTorch's figures, their difference per model
 * and whether it is within 1.5 points.
 *
 * ## Example
 * ```ts
 * const report = await runCeilings({ corpora: ['../shared/corpus'], out: 'ceilings', hidden: 128, batch: 16, lr: 3e-3, maxEpochs: 30, patience: 3, seed: 1 });
 * ```
 */
export async function runCeilings(o: CeilingsOptions): Promise<CeilingsReport> {
  const startedAt = performance.now();
  const log = o.log ?? (() => {});
  const out = resolve(o.out);
  await mkdir(out, { recursive: true });
  const featuresDir = join(out, 'features');
  const { manifest, data } = await exportSplitFeatures({ corpora: o.corpora, out: featuresDir, dims: o.dims, onProblem: (p) => log(`skipped ${p.file}: ${p.message}`) });
  const frames = (part: 'fit' | 'validation' | 'heldOut') => data.parts[part].reduce((n, s) => n + s.frames, 0);
  log(
    `exported ${manifest.dims}-dim features of ${manifest.phones.length} phones to ${featuresDir}: ` +
      `fit ${data.parts.fit.length} files (${frames('fit')} frames), validation ${data.parts.validation.length} (${frames('validation')}), held-out ${data.parts.heldOut.length} (${frames('heldOut')})`,
  );
  const settings: OfflineLstmSettings = { hidden: o.hidden, batch: o.batch, lr: o.lr, maxEpochs: o.maxEpochs, patience: o.patience, seed: o.seed };
  const torchThreads = o.torchThreads ?? 1;

  // PyTorch on its own core while tfjs trains on this thread.
  const pytorchPath = join(out, 'pytorch.json');
  const pytorch =
    o.python === undefined
      ? undefined
      : new Promise<void>((done, fail) => {
          const args = [PYTORCH_SCRIPT, featuresDir, '--out', pytorchPath, '--hidden', `${o.hidden}`, '--batch', `${o.batch}`, '--lr', `${o.lr}`, '--max-epochs', `${o.maxEpochs}`, '--patience', `${o.patience}`, '--seed', `${o.seed}`, '--threads', `${torchThreads}`];
          const child = spawn(o.python!, args, { stdio: ['ignore', 'inherit', 'pipe'] });
          let tail = '';
          let partial = '';
          child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
            tail = (tail + chunk).slice(-4000);
            const lines = (partial + chunk).split('\n');
            partial = lines.pop()!;
            for (const line of lines) if (line.startsWith('pytorch ')) log(line);
          });
          child.on('error', fail);
          child.on('close', (code) => (code === 0 ? done() : fail(new Error(`${o.python} ${PYTORCH_SCRIPT} exited with ${code}: ${tail.trim().split('\n').slice(-3).join(' ')}`))));
        });
  // Awaited only at the end; until then a failure must not go unhandled.
  pytorch?.catch(() => {});

  const [{ selectBackend }, { trainOfflineLstm }] = await Promise.all([import('../learner/select-backend.ts'), import('./train-offline-lstm.ts')]);
  const { backend } = await selectBackend();
  const train = async (model: 'lstm' | 'blstm') => {
    const r = await trainOfflineLstm(data, model === 'blstm', settings, (e) => {
      log(`tfjs ${model.toUpperCase()} epoch ${e.epoch}: loss ${e.trainLoss.toFixed(4)}, validation ${(100 * e.validationAccuracy).toFixed(1)}% in ${e.seconds.toFixed(1)} s`);
      o.onEpoch?.(model, e);
    });
    log(`tfjs ${model.toUpperCase()}: held-out ${(100 * r.heldOutAccuracy).toFixed(2)}% (best epoch ${r.bestEpoch} of ${r.epochs}) in ${r.seconds.toFixed(0)} s`);
    return figures(r, model === 'lstm');
  };
  const lstm = await train('lstm');
  const blstm = await train('blstm');
  const report: CeilingsReport = {
    hidden: o.hidden,
    dims: manifest.dims,
    phones: manifest.phones.length,
    fitFiles: data.parts.fit.length,
    validationFiles: data.parts.validation.length,
    heldOutFiles: data.parts.heldOut.length,
    tfjs: { lstm, blstm },
    pytorch: null,
    agreement: null,
    settings: { corpora: o.corpora, ...settings, split: { ...STUDY_SPLIT }, tfjsBackend: backend, torch: null, torchThreads: null },
    seconds: (performance.now() - startedAt) / 1000,
    finishedAt: new Date().toISOString(),
  };
  const save = () => writeFile(join(out, 'ceilings.json'), `${JSON.stringify(report, null, 2)}\n`);
  await save();
  if (pytorch !== undefined) {
    log('waiting for PyTorch');
    await pytorch;
    const torch = JSON.parse(await readFile(pytorchPath, 'utf8')) as { lstm: CeilingFigures; blstm: CeilingFigures; torch: string };
    if (typeof torch.lstm?.heldOutAccuracy !== 'number' || typeof torch.blstm?.heldOutAccuracy !== 'number') {
      throw new ConfigError(`${pytorchPath}: no lstm and blstm held-out accuracies`);
    }
    report.pytorch = { lstm: figures(torch.lstm, true), blstm: figures(torch.blstm, false) };
    report.agreement = { boundPoints: CEILING_AGREEMENT_POINTS, lstm: agreement(lstm, report.pytorch.lstm), blstm: agreement(blstm, report.pytorch.blstm) };
    report.settings = { ...report.settings!, torch: torch.torch, torchThreads };
    report.seconds = (performance.now() - startedAt) / 1000;
    report.finishedAt = new Date().toISOString();
    await save();
  }
  return report;
}

/** The report in a few lines: each model's held-out accuracy per framework and their agreement. */
export function formatCeilings(r: CeilingsReport): string {
  const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
  const line = (label: string, model: 'lstm' | 'blstm') => {
    const t = r.tfjs[model];
    const p = r.pytorch?.[model];
    const a = r.agreement?.[model];
    return (
      `${label}: tfjs ${pct(t.heldOutAccuracy)} (epoch ${t.bestEpoch} of ${t.epochs}, ${(t.seconds / t.epochs).toFixed(1)} s/epoch)` +
      (p === undefined ? ', PyTorch not run' : `, PyTorch ${pct(p.heldOutAccuracy)} (epoch ${p.bestEpoch} of ${p.epochs}, ${(p.seconds / p.epochs).toFixed(1)} s/epoch)`) +
      (a === undefined ? '' : `; tfjs − PyTorch ${a.points >= 0 ? '+' : ''}${a.points.toFixed(2)} points, ${a.withinBound ? 'within' : 'NOT within'} ${r.agreement!.boundPoints}`)
    );
  };
  return [
    `ceilings: ${r.hidden} units per direction, ${r.dims} features, ${r.phones} phones; ${r.fitFiles} files fitted, ${r.validationFiles} validation, ${r.heldOutFiles} held-out (the study's split)`,
    line('LSTM (unidirectional)', 'lstm'),
    line('BLSTM (bidirectional, not streamable)', 'blstm'),
  ].join('\n');
}
