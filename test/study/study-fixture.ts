import type { StudyPoint } from '../../src/study/study-grid.ts';
import type { CurvePoint, RunFigures, StudyResults, StudyRun } from '../../src/study/study-results.ts';

/**
 * A small synthetic StudyResults of 3 passes with curves, for the plot and render tests: two seeds
 * per point; at curve position i (0.25, 0.5, 1, 2, 3 passes) seed s scores base + 0.02 i + 0.01 s.
 */
export const SHARES = [0.253, 0.504, 1, 2, 3];
export const accuracyAt = (base: number, position: number, seed: number) => base + 0.02 * position + 0.01 * seed;
/** Seed s trains 1000 frames per pass (plus s), at 100 + 10 s frames/s. */
export const framesAt = (position: number, seed: number) => Math.round(1000 * SHARES[position]) + seed;
export const secondsAt = (position: number, seed: number) => framesAt(position, seed) / (100 + 10 * seed);

const point = (name: string, args: string[], schedule: StudyPoint['schedule']): StudyPoint => ({ name, description: `point ${name}`, kind: name.startsWith('search-') ? 'search' : 'tbptt', args, lrs: [1e-3], schedule });
const tb = (k1: number | null, k2: number | null, truncation: 'window' | 'per-frame' = 'window', delay = 0) => ({ algorithm: 'tbptt' as const, k1, k2, truncation, delay });

export const GRID: StudyPoint[] = [
  point('tbptt-10-20', ['--k1', '10', '--k2', '20'], tb(10, 20)),
  point('tbptt-10-5-per-frame', ['--k1', '10', '--k2', '5', '--truncation', 'per-frame'], tb(10, 5, 'per-frame')),
  point('tbptt-20-20', ['--k1', '20', '--k2', '20'], tb(20, 20)),
  point('tbptt-10-20-delay-2', ['--k1', '10', '--k2', '20', '--delay', '2'], tb(10, 20, 'window', 2)),
  point('framewise-k2-5', ['--preset', 'framewise', '--k2', '5'], tb(1, 5)),
  point('search-a-d3', ['--k1', '10', '--k2', '20', '--delay', '3', '--hidden', '256'], tb(10, 20, 'window', 3)),
  point('search-a-d6', ['--k1', '10', '--k2', '20', '--delay', '6', '--hidden', '256'], tb(10, 20, 'window', 6)),
  point('search-b-d6', ['--k1', '10', '--k2', '20', '--delay', '6', '--hidden', '256', '--layers', '2'], tb(10, 20, 'window', 6)),
  // No finished final run: one failed, one skipped.
  point('eprop', ['--algorithm', 'eprop', '--k1', '1'], { algorithm: 'eprop', k1: 1, k2: null, truncation: 'window', delay: 0 }),
  point('tbptt-40-40', ['--k1', '40', '--k2', '40'], tb(40, 40)),
];
/** Each point's base accuracy (search-a-d6 the best, then search-b-d6, …). */
export const BASE: Record<string, number> = {
  'tbptt-10-20': 0.4,
  'tbptt-10-5-per-frame': 0.35,
  'tbptt-20-20': 0.42,
  'tbptt-10-20-delay-2': 0.44,
  'framewise-k2-5': 0.3,
  'search-a-d3': 0.46,
  'search-a-d6': 0.5,
  'search-b-d6': 0.48,
};

function figures(name: string, seed: number): RunFigures {
  const curve: CurvePoint[] = SHARES.map((passes, i) => ({
    passes,
    frames: framesAt(i, seed),
    trainingSeconds: secondsAt(i, seed),
    heldOutAccuracy: accuracyAt(BASE[name], i, seed),
    heldOutKappa: accuracyAt(BASE[name], i, seed) - 0.05,
    heldOutKappaTemporal: -2 + 0.1 * seed,
  }));
  return {
    heldOutAccuracy: curve.at(-1)!.heldOutAccuracy,
    heldOutKappa: curve.at(-1)!.heldOutKappa,
    heldOutKappaTemporal: curve.at(-1)!.heldOutKappaTemporal,
    heldOutNoChangeAccuracy: 0.85,
    pass1PrequentialAccuracy: BASE[name] - 0.1 + 0.01 * seed,
    framesPerSecond: 100 + 10 * seed,
    updates: 300,
    updatesPerSecond: 10 * seed,
    seconds: secondsAt(4, seed),
    frames: framesAt(4, seed),
    utterances: 30,
    skippedUpdates: 0,
    curve,
  };
}

const runs: StudyRun[] = Object.keys(BASE).flatMap((name) => [1, 2].map((seed) => ({ point: name, role: 'final' as const, seed, lr: 1e-3, wallSeconds: 5, figures: figures(name, seed) })));
runs.push({ point: 'eprop', role: 'final', seed: 1, lr: 1e-3, wallSeconds: 1, figures: null, error: 'exit code 1' });

export const CURVE_RESULTS: StudyResults = {
  corpora: ['corpus'],
  budgetMinutes: 60,
  seeds: 2,
  replayArgs: [],
  split: { heldOut: 0.1, splitSeed: 1, validationHeldOut: 0.16, validationSplitSeed: 2 },
  machine: { cpu: 'Test CPU', cores: 2, platform: 'linux 6', node: 'v20.0.0' },
  startedAt: '2026-01-02T03:04:05.000Z',
  finishedAt: '2026-01-02T04:04:05.000Z',
  studySeconds: 3600,
  passes: 3,
  scoreAt: [0.25, 0.5],
  sessions: [
    { startedAt: '2026-01-02T03:04:05.000Z', seconds: 600, budgetMinutes: 10 },
    { startedAt: '2026-01-03T03:04:05.000Z', seconds: 3000, budgetMinutes: 60 },
  ],
  grid: GRID,
  points: GRID.map((p) =>
    p.name === 'tbptt-40-40' ? { name: p.name, status: 'skipped' as const, chosenLr: null, reason: 'budget spent' } : { name: p.name, status: 'done' as const, chosenLr: 1e-3 },
  ),
  runs,
};

/** Mean and sample sd of two numbers, written out. */
export const meanSd2 = (a: number, b: number) => ({ mean: (a + b) / 2, sd: Math.abs(a - b) / Math.SQRT2 });
