/**
 * `npx tsx scripts/algorithm-accuracy.ts CORPUS [--algorithms snap1,eprop,uoro] [--lrs 1e-3,3e-4,1e-4] [--out DIR]`
 *
 * One pass of each online algorithm over a corpus, held-out accuracy after it, with the learning
 * rate chosen on a validation part of the TRAINING files, never on the held-out ones:
 * 1. the CLI's split (10 % held out, split seed 1) is taken; the training files are linked into a
 *    corpus of their own (DIR/train, same layout), whose own split (16 %, seed 2) is the validation part;
 * 2. for each algorithm and rate, `replay DIR/train --epochs 1` scores the validation part;
 * 3. with the best rate, `replay CORPUS --epochs 1` trains on every training file and scores the
 *    held-out files.
 * Prints a table and writes DIR/summary.json. Every run is the CLI, as a user would run it.
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { linkTrainingCorpus } from '../src/study/link-training-corpus.ts';

const run = promisify(execFile);
const args = process.argv.slice(2);
const option = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const corpus = resolve(args.find((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--')) ?? '../shared/corpus');
const algorithms = option('algorithms', 'snap1,eprop,uoro').split(',');
const lrs = option('lrs', '1e-3,3e-4,1e-4').split(',');
const out = resolve(option('out', 'algorithm-accuracy'));

interface Summary {
  heldOutAccuracy: number | null;
  pass1PrequentialAccuracy: number | null;
  framesPerSecond: number;
  updates: number;
}

async function replay(root: string, extra: string[]): Promise<Summary> {
  const summary = join(out, `run-${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
  await run(process.execPath, ['bin/phonestream.js', 'replay', root, '--epochs', '1', '--quiet', '--summary', summary, ...extra], { maxBuffer: 1 << 24 });
  return JSON.parse(await readFile(summary, 'utf8')) as Summary;
}

await mkdir(out, { recursive: true });
// The training files of the CLI's default split, linked into a corpus of their own (same relative layout).
const [train] = await linkTrainingCorpus([corpus], join(out, 'train'), 0.1, 1);
const rows = [];
for (const algorithm of algorithms) {
  const validation: Record<string, number | null> = {};
  for (const lr of lrs) {
    const s = await replay(train, ['--algorithm', algorithm, '--lr', lr, '--held-out', '0.16', '--split-seed', '2']);
    validation[lr] = s.heldOutAccuracy;
    console.error(`${algorithm} lr ${lr}: validation ${(100 * (s.heldOutAccuracy ?? 0)).toFixed(1)}%`);
  }
  const best = lrs.reduce((a, b) => ((validation[b] ?? -1) > (validation[a] ?? -1) ? b : a));
  const final = await replay(corpus, ['--algorithm', algorithm, '--lr', best]);
  rows.push({ algorithm, lr: Number(best), validation, heldOutAccuracy: final.heldOutAccuracy, pass1PrequentialAccuracy: final.pass1PrequentialAccuracy, framesPerSecond: final.framesPerSecond, updates: final.updates });
  console.error(`${algorithm}: lr ${best} → held-out ${(100 * (final.heldOutAccuracy ?? 0)).toFixed(1)}%`);
}
await writeFile(join(out, 'summary.json'), `${JSON.stringify({ corpus: basename(corpus), rows }, null, 2)}\n`);
console.log('| algorithm | lr (chosen on validation) | validation accuracy per lr | held-out accuracy, 1 pass | pass-1 prequential | frames/s |');
console.log('|---|---|---|---|---|---|');
const pct = (x: number | null) => (x === null ? '—' : `${(100 * x).toFixed(1)}%`);
for (const r of rows) {
  console.log(`| ${r.algorithm} | ${r.lr} | ${lrs.map((lr) => `${lr}: ${pct(r.validation[lr])}`).join(', ')} | ${pct(r.heldOutAccuracy)} | ${pct(r.pass1PrequentialAccuracy)} | ${Math.round(r.framesPerSecond)} |`);
}
