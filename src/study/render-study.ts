import type { CeilingFigures, CeilingsReport } from './ceilings-report.ts';
import { curveAt, finalRunsOf, meanCurve } from './curve-means.ts';
import { meanAndSpread } from './mean-and-spread.ts';
import { studyPlots } from './plot-study.ts';
import type { RunFigures, StudyResults, StudyRun } from './study-results.ts';

const pct = (x: number | null) => (x === null ? '—' : `${(100 * x).toFixed(1)} %`);
const fixed = (digits: number) => (x: number | null) => (x === null ? '—' : x.toFixed(digits));
/** A difference of accuracies in percentage points, signed. */
const points = (d: number) => `${d >= 0 ? '+' : '−'}${Math.abs(100 * d).toFixed(1)}`;
/** Two implementations of a ceiling agree when their held-out accuracies are this close, in points. */
export const CEILING_AGREEMENT_POINTS = 1.5;

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
const msPerFrame = ROWS[4][1];

/** "mean ± sd" over the seeds; only the mean for a single run. */
function meanCell(values: readonly (number | null | undefined)[], show: (x: number | null) => string): string {
  const { mean, sd, n } = meanAndSpread(values);
  if (n === 0) return '—';
  return sd === null ? `${show(mean)} (1 run)` : `${show(mean)} ± ${show(sd)}`;
}

const FRACTIONS: Record<string, string> = { '0.25': '¼', '0.5': '½', '0.75': '¾' };
const share = (p: number) => FRACTIONS[`${p}`] ?? `${p}`;
const passesLabel = (n: number) => `${n} pass${n === 1 ? '' : 'es'}`;

/** Held-out accuracy of a run after about `passes` passes (a one-pass run without a curve: its end). */
function heldOutAt(f: RunFigures, passes: number, lastPass: number): number | null {
  const c = curveAt(f.curve ?? [], passes);
  if (c !== undefined) return c.heldOutAccuracy;
  return passes === lastPass ? f.heldOutAccuracy : null;
}

/** The overview: a row per point, the held-out accuracy along training, then the end-of-run figures. */
function overview(results: StudyResults): string[] {
  const last = results.passes ?? 1;
  const at: [string, number][] = [
    ...(results.scoreAt ?? []).map((p): [string, number] => [`held-out after ${share(p)} pass`, p]),
    ['held-out after 1 pass', 1],
    ...(last > 1 ? [[`held-out after ${passesLabel(last)}`, last] as [string, number]] : []),
  ];
  const header = [
    'point',
    ...at.map(([label]) => label),
    'pass-1 prequential accuracy',
    `κ after ${passesLabel(last)}`,
    `Kappa-Temporal after ${passesLabel(last)}`,
    'ms/frame',
    'updates/s',
    'seeds',
    'lr',
  ];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const outcome of results.points) {
    const finals = finalRunsOf(results, outcome.name);
    const fs = finals.map((r) => r.figures!);
    const row = (i: number) => meanCell(fs.map(ROWS[i][1]), ROWS[i][2]);
    const accuracies = at.map(([, p]) => meanCell(fs.map((f) => heldOutAt(f, p, last)), pct));
    if (finals.length === 0) accuracies[0] = outcome.status;
    lines.push(`| ${[outcome.name, ...accuracies, row(3), row(1), row(2), row(4), row(5), `${finals.length}`, `${outcome.chosenLr ?? '—'}`].join(' | ')} |`);
  }
  lines.push(
    '',
    `Held-out: framewise accuracy on the held-out files after that much training (mean ± sd over the seeds). ` +
      'Pass-1 prequential accuracy: on the training stream during pass 1, each frame predicted before it is learned from. ' +
      'ms/frame and updates/s: of training, on the replay\'s own clock.',
  );
  return lines;
}

/** The points with final runs, best held-out accuracy after the last pass first (ties: grid order), top 5. */
function bestLearners(results: StudyResults, ceilings: CeilingsReport | undefined): string[] {
  const ranked = results.points
    .map((outcome, order) => {
      const fs = finalRunsOf(results, outcome.name).map((r) => r.figures!);
      return { name: outcome.name, order, fs, accuracy: meanAndSpread(fs.map((f) => f.heldOutAccuracy)).mean };
    })
    .filter((p): p is typeof p & { accuracy: number } => p.accuracy !== null)
    .sort((a, b) => b.accuracy - a.accuracy || a.order - b.order);
  if (ranked.length === 0) return [];
  const blstm = ceilings?.tfjs.blstm.heldOutAccuracy;
  const last = passesLabel(results.passes ?? 1);
  const header = ['rank', 'point', `held-out after ${last}`, 'options', 'ms/frame', ...(blstm !== undefined ? ['margin over the tfjs BLSTM ceiling (points)'] : [])];
  const lines = [
    '## Best streamable learner',
    '',
    `The points ranked by held-out framewise accuracy after ${last} (mean over the seeds), the top ${Math.min(5, ranked.length)} of ${ranked.length} with final runs.`,
    '',
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
  ];
  ranked.slice(0, 5).forEach((p, i) => {
    const args = results.grid.find((g) => g.name === p.name)?.args ?? [];
    const cells = [`${i + 1}`, p.name, meanCell(p.fs.map((f) => f.heldOutAccuracy), pct), args.length > 0 ? `\`${args.join(' ')}\`` : '—', meanCell(p.fs.map(msPerFrame), fixed(3))];
    if (blstm !== undefined) cells.push(points(p.accuracy - blstm));
    lines.push(`| ${cells.join(' | ')} |`);
  });
  return lines;
}

/** The offline ceilings, tfjs and PyTorch side by side, and whether the two implementations agree. */
function ceilingsSection(c: CeilingsReport): string[] {
  const lines = [
    '## Offline ceilings',
    '',
    `LSTM and BLSTM of ${c.hidden} units on ${c.dims} features (${c.phones} phones), trained batched on whole utterances with early stopping ` +
      `(${c.fitFiles} files fitted, ${c.validationFiles} to choose the epoch), scored on the study's ${c.heldOutFiles} held-out files: ` +
      'by TensorFlow.js (`phonestream ceilings`) and by the PyTorch script on the same features.',
    '',
    `| model | tfjs held-out accuracy | PyTorch held-out accuracy | tfjs − PyTorch (points) | agree within ${CEILING_AGREEMENT_POINTS} points |`,
    '|---|---|---|---|---|',
  ];
  const row = (label: string, tfjs: CeilingFigures, torch: CeilingFigures | undefined) => {
    if (torch === undefined) return `| ${label} | ${pct(tfjs.heldOutAccuracy)} | not run | — | — |`;
    const d = tfjs.heldOutAccuracy - torch.heldOutAccuracy;
    return `| ${label} | ${pct(tfjs.heldOutAccuracy)} | ${pct(torch.heldOutAccuracy)} | ${points(d)} | ${Math.abs(100 * d) <= CEILING_AGREEMENT_POINTS + 1e-9 ? 'yes' : 'no'} |`;
  };
  lines.push(row('LSTM (unidirectional)', c.tfjs.lstm, c.pytorch?.lstm), row('BLSTM (not streamable: reads the whole utterance)', c.tfjs.blstm, c.pytorch?.blstm));
  if (c.settings !== undefined) {
    const s = c.settings;
    const trained = (f: CeilingFigures) => `${f.epochs} epochs (best ${f.bestEpoch}, ${(f.seconds / f.epochs).toFixed(1)} s/epoch)`;
    lines.push(
      '',
      `Settings: batches of ${s.batch} utterances, Adam at ${s.lr}, at most ${s.maxEpochs} epochs, patience ${s.patience}, seed ${s.seed}. ` +
        `Trained: tfjs (${s.tfjsBackend}) LSTM ${trained(c.tfjs.lstm)}, BLSTM ${trained(c.tfjs.blstm)}` +
        (c.pytorch === null ? '.' : `; PyTorch ${s.torch ?? ''} LSTM ${trained(c.pytorch.lstm)}, BLSTM ${trained(c.pytorch.blstm)}.`),
    );
  }
  return lines;
}

/** A point's held-out accuracy along training, position by position over its seeds. */
function curveTable(finals: readonly StudyRun[]): string[] {
  const curve = meanCurve(finals);
  if (curve.length === 0) return [];
  const lines = ['', 'Held-out framewise accuracy along training (mean over the seeds):', '', '| passes | training frames | training seconds | held-out accuracy |', '|---|---|---|---|'];
  for (const c of curve) {
    const { mean, sd, n } = c.accuracy;
    const acc = n === 0 ? '—' : sd === null ? `${pct(mean)} (1 run)` : `${pct(mean)} ± ${pct(sd)}`;
    lines.push(`| ${c.passes.toFixed(2)} | ${Math.round(c.frames)} | ${c.trainingSeconds.toFixed(1)} | ${acc} |`);
  }
  return lines;
}

/**
 * study.md from results.json (and, when given, the offline ceilings of OUT/ceilings.json) alone:
 * the setup (corpora, splits, machine, sessions), the no-change classifier's accuracy (the same
 * held-out files for every point), an overview of every point (held-out accuracy along training,
 * the end-of-run figures), the plots (OUT/plots, see writeStudyPlots), the best learners, the
 * ceilings, a marked place for the hand-written conclusions, then a section per point: mean ±
 * standard deviation over its seeds, its curve, its chosen rate and validation accuracies. No
 * conclusions are drawn here. Pure: the same results give the same text.
 *
 * ## Example
 * ```ts
 * await writeFile('docs/study/study.md', renderStudy(JSON.parse(await readFile('docs/study/results.json', 'utf8'))));
 * ```
 */
export function renderStudy(results: StudyResults, ceilings?: CeilingsReport): string {
  const noChange = meanAndSpread(results.runs.filter((r) => r.role === 'final').map((r) => r.figures?.heldOutNoChangeAccuracy ?? null)).mean;
  const s = results.split;
  const passes = results.passes ?? 1;
  const scoreAt = results.scoreAt ?? [];
  const sessions = results.sessions ?? [];
  const lines = [
    '# When to backpropagate and update: the study',
    '',
    `Generated from results.json by \`renderStudy\`. Corpora: ${results.corpora.map((c) => `\`${c}\``).join(', ')}; ` +
      `${passesLabel(passes)} each final run` +
      (scoreAt.length > 0 ? `, scored on the held-out files after ${scoreAt.map(share).join(' and ')} of pass 1 and after every pass` : '') +
      `; ${results.seeds} seed${results.seeds === 1 ? '' : 's'} per point (\`--seed s --order-seed s\`)` +
      (results.replayArgs.length > 0 ? `; every replay with \`${results.replayArgs.join(' ')}\`` : '') +
      '.',
    '',
    `Held-out files: \`--held-out ${s.heldOut} --split-seed ${s.splitSeed}\`. Each point's learning rate was chosen on a ` +
      `validation part of the training files only (\`--held-out ${s.validationHeldOut} --split-seed ${s.validationSplitSeed}\` ` +
      'of a corpus of the training files), one pass with seed 1.',
    '',
    `Machine: ${results.machine.cpu}, ${results.machine.cores} cores, ${results.machine.platform}, Node ${results.machine.node}. ` +
      `Started ${results.startedAt}; the study took ${(results.studySeconds / 60).toFixed(1)} min` +
      // Resumed: the budget is each session's own, so the total is set against their sum.
      (sessions.length > 1
        ? ` in ${sessions.length} sessions (budgets ${sessions.map((x) => x.budgetMinutes).join(' + ')} = ${sessions.reduce((n, x) => n + x.budgetMinutes, 0)} min).`
        : ` of a ${results.budgetMinutes} min budget.`),
  ];
  if (sessions.length > 0) {
    lines.push('', `Sessions (${sessions.length}${sessions.length > 1 ? ': resumed' : ''}):`, '');
    for (const session of sessions) lines.push(`- ${session.startedAt}: ${(session.seconds / 60).toFixed(1)} min of a ${session.budgetMinutes} min budget`);
  }
  lines.push('', `No-change classifier (repeat the previous frame's true label) on the held-out frames: ${pct(noChange)}.`);
  // The overview first: the question is answered by comparing the points, the sections below explain each.
  lines.push('', ...overview(results));
  const plots = studyPlots(results);
  if (plots.length > 0) {
    lines.push('', '## Plots');
    for (const plot of plots) lines.push('', `![${plot.title}](plots/${plot.name}.svg)`, '', plot.caption);
  }
  const best = bestLearners(results, ceilings);
  if (best.length > 0) lines.push('', ...best);
  if (ceilings !== undefined) lines.push('', ...ceilingsSection(ceilings));
  // Written by hand from the full run, never generated: this marks where.
  lines.push('', '<!-- conclusions -->');
  if (results.conclusions !== undefined && results.conclusions.length > 0) {
    lines.push('', '## Conclusions');
    for (const paragraph of results.conclusions) lines.push('', paragraph);
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
    const finals = finalRunsOf(results, outcome.name);
    const failed = results.runs.filter((r) => r.point === outcome.name && r.figures === null);
    if (failed.length > 0) lines.push('', `Failed runs: ${failed.map((r) => `${r.role} lr ${r.lr} seed ${r.seed} (${r.error ?? 'error'})`).join('; ')}.`);
    if (finals.length === 0) continue;
    lines.push('', `| figure | mean ± sd over ${finals.length} seed${finals.length === 1 ? '' : 's'} |`, '|---|---|');
    for (const [label, value, show] of ROWS) lines.push(`| ${label} | ${meanCell(finals.map((r) => value(r.figures!)), show)} |`);
    lines.push(...curveTable(finals));
  }
  const skipped = results.points.filter((p) => p.status === 'skipped');
  if (skipped.length > 0) lines.push('', `Skipped by the budget: ${skipped.map((p) => p.name).join(', ')}.`);
  return `${lines.join('\n')}\n`;
}
