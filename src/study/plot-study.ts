import type { TopLevelSpec } from 'vega-lite';
import { curveAt, finalRunsOf, meanCurve } from './curve-means.ts';
import { meanAndSpread } from './mean-and-spread.ts';
import type { StudyPoint } from './study-grid.ts';
import type { StudyResults } from './study-results.ts';

/**
 * The study's plots as vega-lite specs, pure functions of results.json (render them with
 * renderSpecToSvg). Every value plotted is a mean over a point's finished final runs with its
 * sample standard deviation; a point with none is left out.
 */

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const ACCURACY_AXIS = { title: 'held-out framewise accuracy', format: '.0%' };
/** Legends in full: solid symbols (not the error band's opacity), long point names and titles uncut. */
const CONFIG = { legend: { symbolOpacity: 1, labelLimit: 320, titleLimit: 320 } };

/** The points with at least one finished final run, in grid (priority) order. */
function plottedPoints(results: StudyResults): StudyPoint[] {
  return results.grid.filter((p) => finalRunsOf(results, p.name).length > 0);
}

const spread = (mean: number, sd: number | null) => ({ lo: mean - (sd ?? 0), hi: mean + (sd ?? 0) });

/**
 * The facet a point's curve is drawn in: points with the same k1 side by side (framewise and the
 * forward-mode algorithms all update every frame), the whole utterance and the search apart.
 */
export function curveFamily(p: StudyPoint): string {
  if (p.name.startsWith('search-')) return 'search (other networks)';
  if (p.schedule.k1 === null) return 'whole utterance';
  return p.schedule.k1 === 1 ? 'k1 = 1 (every frame)' : `k1 = ${p.schedule.k1}`;
}

/** One row per point and curve position: the data of the two curve plots. */
export interface CurveRow {
  point: string;
  family: string;
  passes: number;
  frames: number;
  trainingSeconds: number;
  accuracy: number;
  sd: number | null;
  lo: number;
  hi: number;
  seeds: number;
}

export function curveRows(results: StudyResults): CurveRow[] {
  return plottedPoints(results).flatMap((p) =>
    meanCurve(finalRunsOf(results, p.name)).flatMap((c) =>
      c.accuracy.mean === null
        ? []
        : [{ point: p.name, family: curveFamily(p), passes: c.passes, frames: c.frames, trainingSeconds: c.trainingSeconds, accuracy: c.accuracy.mean, sd: c.accuracy.sd, ...spread(c.accuracy.mean, c.accuracy.sd), seeds: c.accuracy.n }],
    ),
  );
}

/** Held-out accuracy along training (x: `frames` or `trainingSeconds`), a line per point, faceted by k1. */
function curveSpec(results: StudyResults, x: 'frames' | 'trainingSeconds', title: string, xTitle: string): TopLevelSpec {
  const rows = curveRows(results);
  // k1 ascending, then the whole utterance, then the search.
  const rank = (f: string) => (f.startsWith('k1 = ') ? Number.parseInt(f.slice(5), 10) : f === 'whole utterance' ? 1e9 : 2e9);
  const families = [...new Set(rows.map((r) => r.family))].sort((a, b) => rank(a) - rank(b));
  const X = { field: x, type: 'quantitative' as const, scale: { type: 'log' as const, nice: false, padding: 8 }, title: xTitle, axis: { format: '~s', tickCount: 4 } };
  const color = { field: 'point', type: 'nominal' as const, title: 'point', sort: null, scale: { scheme: 'tableau10' } };
  return {
    $schema: SCHEMA,
    config: CONFIG,
    title: { text: title, subtitle: `mean over the final seeds, band ± 1 sd; scored after ¼ and ½ of pass 1 and after each of ${results.passes} passes` },
    data: { values: rows },
    facet: { field: 'family', type: 'nominal', title: null, sort: families, header: { labelFontSize: 12, labelFontWeight: 'bold' } },
    columns: 3,
    spec: {
      width: 220,
      height: 170,
      layer: [
        { mark: { type: 'area', opacity: 0.18 }, encoding: { x: X, y: { field: 'lo', type: 'quantitative', axis: ACCURACY_AXIS, scale: { zero: false } }, y2: { field: 'hi' }, color } },
        {
          mark: { type: 'line', point: true, strokeWidth: 1.5 },
          encoding: {
            x: X,
            y: { field: 'accuracy', type: 'quantitative', axis: ACCURACY_AXIS, scale: { zero: false } },
            color,
            tooltip: [{ field: 'point' }, { field: 'passes', format: '.2f' }, { field: 'frames' }, { field: 'trainingSeconds', format: '.1f' }, { field: 'accuracy', format: '.2%' }, { field: 'sd', format: '.2%' }],
          },
        },
      ],
    },
    resolve: { scale: { color: 'independent' } },
  } as TopLevelSpec;
}

export const accuracyVsFramesSpec = (results: StudyResults) =>
  curveSpec(results, 'frames', 'Held-out framewise accuracy vs training frames seen', 'training frames seen (log)');

export const accuracyVsSecondsSpec = (results: StudyResults) =>
  curveSpec(results, 'trainingSeconds', 'Held-out framewise accuracy vs training wall-clock seconds', 'training wall-clock seconds, held-out scoring excluded (log)');

/** One row per TBPTT point (k1 > 1, no delay) and scoring time: the data of the k2 plot. */
export interface K2Row {
  point: string;
  k1: string;
  k2: number;
  truncation: 'window' | 'per-frame';
  when: string;
  accuracy: number;
  sd: number | null;
  lo: number;
  hi: number;
  seeds: number;
}

export function k2Rows(results: StudyResults): K2Row[] {
  const last = `after ${results.passes} pass${results.passes === 1 ? '' : 'es'}`;
  const points = plottedPoints(results).filter(
    (p) => p.schedule.algorithm === 'tbptt' && p.schedule.k1 !== null && p.schedule.k1 > 1 && p.schedule.k2 !== null && p.schedule.delay === 0 && !p.name.startsWith('search-'),
  );
  return points.flatMap((p) => {
    const runs = finalRunsOf(results, p.name);
    const at = (when: string, values: (number | null | undefined)[]) => {
      const { mean, sd, n } = meanAndSpread(values);
      return mean === null ? [] : [{ point: p.name, k1: `${p.schedule.k1}`, k2: p.schedule.k2!, truncation: p.schedule.truncation, when, accuracy: mean, sd, ...spread(mean, sd), seeds: n }];
    };
    return [
      ...(results.passes > 1 ? at('after pass 1', runs.map((r) => curveAt(r.figures!.curve, 1)?.heldOutAccuracy)) : []),
      ...at(last, runs.map((r) => r.figures!.heldOutAccuracy)),
    ];
  });
}

/** Held-out accuracy against k2, a line per k1 and truncation, after pass 1 and after the last pass side by side. */
export function accuracyVsK2Spec(results: StudyResults): TopLevelSpec {
  const rows = k2Rows(results);
  const k1s = [...new Set(rows.map((r) => r.k1))].sort((a, b) => Number(a) - Number(b));
  const X = { field: 'k2', type: 'quantitative' as const, scale: { type: 'log' as const, base: 2 }, title: 'k2: steps the gradient goes back (log)', axis: { values: [...new Set(rows.map((r) => r.k2))].sort((a, b) => a - b) } };
  const color = { field: 'k1', type: 'ordinal' as const, sort: k1s, title: 'k1: frames per update', scale: { scheme: 'viridis' } };
  const dash = { field: 'truncation', type: 'nominal' as const, sort: ['window', 'per-frame'], title: 'truncation' };
  return {
    $schema: SCHEMA,
    config: CONFIG,
    title: { text: 'Held-out framewise accuracy vs k2, a line per k1 (TBPTT)', subtitle: 'mean over the final seeds, bars ± 1 sd; solid: window truncation, dashed: per-frame' },
    data: { values: rows },
    facet: { field: 'when', type: 'nominal', title: null, sort: [...new Set(rows.map((r) => r.when))], header: { labelFontSize: 12, labelFontWeight: 'bold' } },
    spec: {
      width: 280,
      height: 220,
      layer: [
        { mark: { type: 'rule' }, encoding: { x: X, y: { field: 'lo', type: 'quantitative', axis: ACCURACY_AXIS, scale: { zero: false } }, y2: { field: 'hi' }, color } },
        {
          mark: { type: 'line', point: { filled: true, size: 40 } },
          encoding: {
            x: X,
            y: { field: 'accuracy', type: 'quantitative', axis: ACCURACY_AXIS, scale: { zero: false } },
            color,
            strokeDash: dash,
            shape: dash,
            tooltip: [{ field: 'point' }, { field: 'accuracy', format: '.2%' }, { field: 'sd', format: '.2%' }, { field: 'seeds' }],
          },
        },
      ],
    },
  } as TopLevelSpec;
}

/** A point's options without `--delay d`: points equal in this (and in schedule) differ only by delay. */
function argsWithoutDelay(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--delay') i++;
    else if (!args[i].startsWith('--delay=')) out.push(args[i]);
  }
  return out;
}

/**
 * The points that differ only by target delay: grouped by schedule (algorithm, k1, k2,
 * truncation) and options minus --delay; only groups of two or more delays, in grid order.
 */
export function delayGroups(results: StudyResults): { label: string; points: StudyPoint[] }[] {
  const groups = new Map<string, { label: string; points: StudyPoint[] }>();
  for (const p of plottedPoints(results)) {
    const { algorithm, k1, k2, truncation } = p.schedule;
    const rest = argsWithoutDelay(p.args);
    const key = JSON.stringify([algorithm, k1, k2, truncation, rest]);
    const label = rest.length > 0 ? rest.join(' ') : p.name;
    if (!groups.has(key)) groups.set(key, { label, points: [] });
    groups.get(key)!.points.push(p);
  }
  return [...groups.values()].filter((g) => new Set(g.points.map((p) => p.schedule.delay)).size > 1);
}

export interface DelayRow {
  group: string;
  point: string;
  delay: number;
  accuracy: number;
  sd: number | null;
  lo: number;
  hi: number;
  seeds: number;
}

export function delayRows(results: StudyResults): DelayRow[] {
  return delayGroups(results).flatMap((g) =>
    g.points.flatMap((p) => {
      const { mean, sd, n } = meanAndSpread(finalRunsOf(results, p.name).map((r) => r.figures!.heldOutAccuracy));
      return mean === null ? [] : [{ group: g.label, point: p.name, delay: p.schedule.delay, accuracy: mean, sd, ...spread(mean, sd), seeds: n }];
    }),
  );
}

/** Held-out accuracy (after the last pass) against the target delay, a line per group of points equal but for it. */
export function accuracyVsDelaySpec(results: StudyResults): TopLevelSpec {
  const rows = delayRows(results);
  const X = { field: 'delay', type: 'quantitative' as const, title: 'target delay (frames of 10 ms)', axis: { values: [...new Set(rows.map((r) => r.delay))].sort((a, b) => a - b), format: 'd' } };
  const color = { field: 'group', type: 'nominal' as const, sort: null, title: 'options (besides --delay)', scale: { scheme: 'tableau10' }, legend: { orient: 'bottom' as const, direction: 'vertical' as const, labelLimit: 400 } };
  return {
    $schema: SCHEMA,
    config: CONFIG,
    title: { text: `Held-out framewise accuracy vs target delay (after ${results.passes} pass${results.passes === 1 ? '' : 'es'})`, subtitle: 'points that differ only by --delay; mean over the final seeds, bars ± 1 sd' },
    data: { values: rows },
    width: 360,
    height: 240,
    layer: [
      { mark: { type: 'rule' }, encoding: { x: X, y: { field: 'lo', type: 'quantitative', axis: ACCURACY_AXIS, scale: { zero: false } }, y2: { field: 'hi' }, color } },
      {
        mark: { type: 'line', point: { filled: true, size: 40 } },
        encoding: {
          x: X,
          y: { field: 'accuracy', type: 'quantitative', axis: ACCURACY_AXIS, scale: { zero: false } },
          color,
          tooltip: [{ field: 'point' }, { field: 'accuracy', format: '.2%' }, { field: 'sd', format: '.2%' }, { field: 'seeds' }],
        },
      },
    ],
  } as TopLevelSpec;
}

/** A plot of the study: its file name (plots/NAME.svg), what it shows in one line, its spec. */
export interface StudyPlot {
  name: string;
  /** What the figure is, for the image's alt text. */
  title: string;
  caption: string;
  spec: TopLevelSpec;
}

/** The study's plots that have something to show (a plot with no data is left out), in reading order. */
export function studyPlots(results: StudyResults): StudyPlot[] {
  const plots: (StudyPlot & { rows: number })[] = [
    {
      name: 'accuracy-vs-frames',
      title: 'held-out framewise accuracy vs training frames seen',
      caption: 'Held-out framewise accuracy against training frames seen, a line per point (mean ± sd over the seeds): how much each schedule learns per frame of data.',
      spec: accuracyVsFramesSpec(results),
      rows: curveRows(results).length,
    },
    {
      name: 'accuracy-vs-seconds',
      title: 'held-out framewise accuracy vs training wall-clock seconds',
      caption: "Held-out framewise accuracy against training wall-clock seconds (this machine, scoring excluded): what each schedule's compute buys.",
      spec: accuracyVsSecondsSpec(results),
      rows: curveRows(results).length,
    },
    {
      name: 'accuracy-vs-k2',
      title: 'held-out framewise accuracy vs k2 per k1 (TBPTT)',
      caption: 'Held-out framewise accuracy of TBPTT(k1, k2) against k2, a line per k1, window and per-frame truncation distinguished, after pass 1 and after the last pass.',
      spec: accuracyVsK2Spec(results),
      rows: k2Rows(results).length,
    },
    {
      name: 'accuracy-vs-delay',
      title: 'held-out framewise accuracy vs target delay',
      caption: 'Held-out framewise accuracy against the target delay, for the points that differ only by it.',
      spec: accuracyVsDelaySpec(results),
      rows: delayRows(results).length,
    },
  ];
  return plots.filter((p) => p.rows > 0).map(({ rows: _, ...p }) => p);
}
