import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { renderStudy } from '../../src/study/render-study.ts';
import type { RunFigures, StudyResults, StudyRun } from '../../src/study/study-results.ts';

const figures = (acc: number, fps: number, over: Partial<RunFigures> = {}): RunFigures => ({
  heldOutAccuracy: acc,
  heldOutKappa: acc - 0.1,
  heldOutKappaTemporal: -1,
  heldOutNoChangeAccuracy: 0.8,
  pass1PrequentialAccuracy: acc / 2,
  framesPerSecond: fps,
  updates: 100,
  updatesPerSecond: 50,
  seconds: 2,
  frames: 1000,
  utterances: 5,
  skippedUpdates: 0,
  curve: [],
  ...over,
});
const run = (point: string, role: StudyRun['role'], seed: number, lr: number, f: RunFigures): StudyRun => ({ point, role, seed, lr, wallSeconds: 3, figures: f });

const RESULTS: StudyResults = {
  corpora: ['corpus'],
  budgetMinutes: 20,
  seeds: 2,
  replayArgs: ['--hidden', '8'],
  split: { heldOut: 0.1, splitSeed: 1, validationHeldOut: 0.16, validationSplitSeed: 2 },
  machine: { cpu: 'Test CPU', cores: 4, platform: 'linux 6', node: 'v20.0.0' },
  startedAt: '2026-01-02T03:04:05.000Z',
  finishedAt: '2026-01-02T03:16:05.000Z',
  studySeconds: 720,
  passes: 1,
  scoreAt: [],
  sessions: [{ startedAt: '2026-01-02T03:04:05.000Z', seconds: 720, budgetMinutes: 20 }],
  grid: [
    { name: 'a', description: 'point A', kind: 'tbptt', args: ['--k1', '20'], lrs: [1e-3, 3e-4], schedule: { algorithm: 'tbptt', k1: 20, k2: 20, truncation: 'window', delay: 0 } },
    { name: 'b', description: 'point B', kind: 'uoro', args: ['--algorithm', 'uoro'], lrs: [1e-3], schedule: { algorithm: 'uoro', k1: 1, k2: null, truncation: 'window', delay: 0 } },
  ],
  points: [
    { name: 'a', status: 'done', chosenLr: 3e-4 },
    { name: 'b', status: 'skipped', chosenLr: null, reason: 'estimated 900 s, 60 s of the budget left' },
  ],
  runs: [
    run('a', 'validation', 1, 1e-3, figures(0.3, 1000)),
    run('a', 'validation', 1, 3e-4, figures(0.4, 1000)),
    // accuracies 0.5 and 0.6: mean 55.0 %, sd √0.005 = 7.1 %; fps 1000 and 500: 1 and 2 ms/frame
    run('a', 'final', 1, 3e-4, figures(0.5, 1000)),
    run('a', 'final', 2, 3e-4, figures(0.6, 500, { updatesPerSecond: 70 })),
  ],
};

describe('renderStudy', () => {
  const md = renderStudy(RESULTS);
  const lines = md.split('\n');
  it('should give each run point a table of mean ± sd over its final runs', () => {
    for (const row of [
      '| figure | mean ± sd over 2 seeds |',
      '| held-out accuracy | 55.0 % ± 7.1 % |',
      '| held-out κ | 0.450 ± 0.071 |',
      '| held-out Kappa-Temporal | -1.000 ± 0.000 |',
      '| pass-1 prequential accuracy | 27.5 % ± 3.5 % |',
      '| ms/frame | 1.500 ± 0.707 |',
      '| updates/s | 60 ± 14 |',
    ]) {
      assert.ok(lines.includes(row), `missing row ${row}\n${md}`);
    }
  });
  it('should give the chosen rate with the validation accuracies, the no-change accuracy, the machine, date and duration', () => {
    assert.ok(lines.includes('Chosen lr: 0.0003 (validation accuracy: lr 0.001: 30.0 %, lr 0.0003: 40.0 %).'), md);
    assert.match(md, /No-change classifier .*: 80\.0 %\./);
    assert.match(md, /Machine: Test CPU, 4 cores, linux 6, Node v20\.0\.0\. Started 2026-01-02T03:04:05\.000Z; the study took 12\.0 min of a 20 min budget\./);
    assert.match(md, /`--hidden 8`/);
  });
  it('should start with an overview row per point', () => {
    // One pass, no part-way scores: held-out after 1 pass, prequential, κ, Kappa-Temporal, ms/frame, updates/s.
    assert.ok(lines.includes('| point | held-out after 1 pass | pass-1 prequential accuracy | κ after 1 pass | Kappa-Temporal after 1 pass | ms/frame | updates/s | seeds | lr |'), md);
    assert.ok(lines.includes('| a | 55.0 % ± 7.1 % | 27.5 % ± 3.5 % | 0.450 ± 0.071 | -1.000 ± 0.000 | 1.500 ± 0.707 | 60 ± 14 | 2 | 0.0003 |'), md);
    assert.ok(lines.includes('| b | skipped | — | — | — | — | — | 0 | — |'), md);
  });
  it('should list the skipped points with the reason and no table', () => {
    assert.ok(lines.includes('Skipped: estimated 900 s, 60 s of the budget left.'), md);
    assert.ok(lines.includes('Skipped by the budget: b.'), md);
    assert.equal(md.match(/\| figure \|/g)?.length, 1, 'one point table: b has none');
  });
  it('should show a single run without a spread and be a function of the results alone', () => {
    const one = { ...RESULTS, runs: RESULTS.runs.slice(0, 3) };
    assert.ok(renderStudy(one).includes('| held-out accuracy | 50.0 % (1 run) |'));
    assert.equal(renderStudy(structuredClone(RESULTS)), md);
  });
});
