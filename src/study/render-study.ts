import { meanAndSpread } from './mean-and-spread.ts';
import type { RunFigures, StudyResults, StudyRun } from './study-results.ts';

const pct = (x: number | null) => (x === null ? '—' : `${(100 * x).toFixed(1)} %`);
const fixed = (digits: number) => (x: number | null) => (x === null ? '—' : x.toFixed(digits));

/** The rows of a point's table: the figure, how it is read from a run, and how it is printed. */
const ROWS: [label: string, value: (f: RunFigures) => number | null, show: (x: number | null) => string][] = [
  ['held-out accuracy', (f) => f.heldOutAccuracy, pct],
  ['held-out κ', (f) => f.heldOutKappa, fixed(3)],
  ['held-out Kappa-Temporal', (f) => f.heldOutKappaTemporal, fixed(3)],
  ['pass-1 prequential accuracy', (f) => f.pass1PrequentialAccuracy, pct],
  // ms/frame of training (the replay's own clock): the cost a live stream pays per 10 ms frame.
  ['ms/frame', (f) => (f.framesPerSecond > 0 ? 1000 / f.framesPerSecond : null), fixed(3)],
  ['updates/s', (f) => f.updatesPerSecond, fixed(0)],
];

/** "mean ± sd" over the seeds; only the mean for a single run. */
function meanCell(values: (number | null)[], show: (x: number | null) => string): string {
  const { mean, sd, n } = meanAndSpread(values);
  if (n === 0) return '—';
  return sd === null ? `${show(mean)} (1 run)` : `${show(mean)} ± ${show(sd)}`;
}

const finalRuns = (runs: readonly StudyRun[], point: string) => runs.filter((r) => r.point === point && r.role === 'final' && r.figures !== null);

/**
 * study.md from results.json alone: the setup (corpora, splits, machine, date, duration), the
 * no-change classifier's accuracy (the same held-out files for every point), then a table per
 * point of mean ± standard deviation over its seeds, its chosen rate and validation accuracies,
 * and the points the budget skipped. Pure: the same results give the same text.
 *
 * ## Example
 * ```ts
 * await writeFile('docs/study/study.md', renderStudy(JSON.parse(await readFile('docs/study/results.json', 'utf8'))));
 * ```
 */
export function renderStudy(results: StudyResults): string {
  const noChange = meanAndSpread(results.runs.filter((r) => r.role === 'final').map((r) => r.figures?.heldOutNoChangeAccuracy ?? null)).mean;
  const s = results.split;
  const lines = [
    '# When to backpropagate and update: the study',
    '',
    `Generated from results.json by \`renderStudy\`. Corpora: ${results.corpora.map((c) => `\`${c}\``).join(', ')}; ` +
      `one pass each run; ${results.seeds} seed${results.seeds === 1 ? '' : 's'} per point (\`--seed s --order-seed s\`)` +
      (results.replayArgs.length > 0 ? `; every replay with \`${results.replayArgs.join(' ')}\`` : '') +
      '.',
    '',
    `Held-out files: \`--held-out ${s.heldOut} --split-seed ${s.splitSeed}\`. Each point's learning rate was chosen on a ` +
      `validation part of the training files only (\`--held-out ${s.validationHeldOut} --split-seed ${s.validationSplitSeed}\` ` +
      'of a corpus of the training files), with seed 1.',
    '',
    `Machine: ${results.machine.cpu}, ${results.machine.cores} cores, ${results.machine.platform}, Node ${results.machine.node}. ` +
      `Started ${results.startedAt}; the study took ${(results.studySeconds / 60).toFixed(1)} min of a ${results.budgetMinutes} min budget.`,
    '',
    `No-change classifier (repeat the previous frame's true label) on the held-out frames: ${pct(noChange)}.`,
  ];
  // The overview first: the question is answered by comparing the points, the tables below explain each.
  lines.push('', '| point | held-out accuracy | κ | pass-1 prequential | ms/frame | seeds | lr |', '|---|---|---|---|---|---|---|');
  for (const outcome of results.points) {
    const finals = finalRuns(results.runs, outcome.name);
    const cell = (i: number) => meanCell(finals.map((r) => ROWS[i][1](r.figures!)), ROWS[i][2]);
    lines.push(`| ${outcome.name} | ${finals.length === 0 ? outcome.status : cell(0)} | ${cell(1)} | ${cell(3)} | ${cell(4)} | ${finals.length} | ${outcome.chosenLr ?? '—'} |`);
  }
  for (const outcome of results.points) {
    const point = results.grid.find((p) => p.name === outcome.name);
    lines.push('', `## ${outcome.name}`, '');
    if (point) lines.push(`${point.description}. Options: \`${point.args.join(' ')}\`.`, '');
    if (outcome.status === 'skipped') {
      lines.push(`Skipped: ${outcome.reason ?? 'not run'}.`);
      continue;
    }
    const validation = results.runs.filter((r) => r.point === outcome.name && r.role === 'validation');
    lines.push(
      `Chosen lr: ${outcome.chosenLr ?? '—'}` +
        (validation.length > 0 ? ` (validation accuracy: ${validation.map((r) => `lr ${r.lr}: ${pct(r.figures?.heldOutAccuracy ?? null)}`).join(', ')})` : ' (the only rate listed)') +
        '.',
    );
    if (outcome.status === 'partial') lines.push('', `Cut short: ${outcome.reason ?? 'budget'}.`);
    const finals = finalRuns(results.runs, outcome.name);
    const failed = results.runs.filter((r) => r.point === outcome.name && r.figures === null);
    if (failed.length > 0) lines.push('', `Failed runs: ${failed.map((r) => `${r.role} lr ${r.lr} seed ${r.seed} (${r.error ?? 'error'})`).join('; ')}.`);
    if (finals.length === 0) continue;
    lines.push('', `| figure | mean ± sd over ${finals.length} seed${finals.length === 1 ? '' : 's'} |`, '|---|---|');
    for (const [label, value, show] of ROWS) lines.push(`| ${label} | ${meanCell(finals.map((r) => value(r.figures!)), show)} |`);
  }
  const skipped = results.points.filter((p) => p.status === 'skipped');
  if (skipped.length > 0) lines.push('', `Skipped by the budget: ${skipped.map((p) => p.name).join(', ')}.`);
  return `${lines.join('\n')}\n`;
}
