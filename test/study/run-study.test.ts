import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { meanAndSpread } from '../../src/study/mean-and-spread.ts';
import { renderStudy } from '../../src/study/render-study.ts';
import { runStudy } from '../../src/study/run-study.ts';
import type { StudyPoint } from '../../src/study/study-grid.ts';
import type { StudyResults } from '../../src/study/study-results.ts';

const CORPUS = 'fixtures/corpus';
const GRID: StudyPoint[] = [
  { name: 'tbptt-20-20', description: 'TBPTT(20, 20)', kind: 'tbptt', args: ['--k1', '20', '--k2', '20'], lrs: [1e-3, 3e-3], schedule: { algorithm: 'tbptt', k1: 20, k2: 20, truncation: 'window', delay: 0 } },
  { name: 'framewise-k2-5', description: 'framewise', kind: 'framewise', args: ['--preset', 'framewise', '--k2', '5'], lrs: [1e-3], schedule: { algorithm: 'tbptt', k1: 1, k2: 5, truncation: 'window', delay: 0 } },
];
let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'phonestream-study-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const readJson = async (path: string) => JSON.parse(await readFile(path, 'utf8'));
const pct = (x: number) => `${(100 * x).toFixed(1)} %`;

describe('runStudy', () => {
  it('should run a tiny grid within its budget and write results.json and study.md consistent with the runs', async () => {
    const out = join(dir, 'tiny');
    const t0 = performance.now();
    const results = await runStudy({ corpora: [CORPUS], out, budgetMinutes: 1, seeds: 2, grid: GRID, replayArgs: ['--hidden', '8'] });
    const seconds = (performance.now() - t0) / 1000;
    assert.ok(seconds <= 60, `took ${seconds} s`);
    const saved: StudyResults = await readJson(join(out, 'results.json'));
    assert.deepEqual(saved, JSON.parse(JSON.stringify(results)));
    assert.deepEqual(saved.points.map((p) => p.status), ['done', 'done']);
    // 2 validation runs (2 rates) + 2 seeds, then no validation (1 rate) + 2 seeds
    assert.deepEqual(saved.runs.map((r) => `${r.point} ${r.role} ${r.seed}`), [
      'tbptt-20-20 validation 1',
      'tbptt-20-20 validation 1',
      'tbptt-20-20 final 1',
      'tbptt-20-20 final 2',
      'framewise-k2-5 final 1',
      'framewise-k2-5 final 2',
    ]);
    for (const r of saved.runs) assert.ok(r.figures !== null && r.wallSeconds > 0, JSON.stringify(r));
    // The validation runs train on fewer files (the training files' own split) than the final ones.
    assert.ok(saved.runs[0].figures!.utterances < saved.runs[2].figures!.utterances);
    const [a, b] = saved.runs.filter((r) => r.role === 'validation');
    const chosen = a.figures!.heldOutAccuracy! >= b.figures!.heldOutAccuracy! ? a.lr : b.lr;
    assert.equal(saved.points[0].chosenLr, chosen);
    assert.ok(saved.runs.filter((r) => r.point === 'tbptt-20-20' && r.role === 'final').every((r) => r.lr === chosen));

    const md = await readFile(join(out, 'study.md'), 'utf8');
    assert.equal(md, renderStudy(saved), 'study.md is renderStudy(results.json)');
    for (const point of GRID) {
      const finals = saved.runs.filter((r) => r.point === point.name && r.role === 'final');
      const { mean, sd } = meanAndSpread(finals.map((r) => r.figures!.heldOutAccuracy));
      assert.ok(md.includes(`| held-out accuracy | ${pct(mean!)} ± ${pct(sd!)} |`), `${point.name}\n${md}`);
    }
    assert.match(md, /No-change classifier .*: \d+\.\d %/);
  });

  it('should skip the points the budget does not cover, exceeding it by at most one run', async () => {
    const out = join(dir, 'tight');
    const budgetMinutes = 0.01; // 0.6 s: the first run alone overruns it
    const results = await runStudy({ corpora: [CORPUS], out, budgetMinutes, seeds: 2, grid: GRID, replayArgs: ['--hidden', '8'] });
    assert.equal(results.runs.length, 1, 'only the first run, which nothing could estimate');
    assert.ok(results.studySeconds <= 60 * budgetMinutes + results.runs[0].wallSeconds + 1);
    assert.equal(results.points[0].status, 'partial');
    assert.equal(results.points[1].status, 'skipped');
    assert.match(results.points[1].reason!, /budget/);
    const md = await readFile(join(out, 'study.md'), 'utf8');
    assert.match(md, /Skipped by the budget: framewise-k2-5\./);
  });

  it('should resume from its results, keeping every run and taking up what the budget cut', async () => {
    const out = join(dir, 'resumed');
    const first = await runStudy({ corpora: [CORPUS], out, budgetMinutes: 0.01, seeds: 2, grid: GRID, replayArgs: ['--hidden', '8'], passes: 2 });
    assert.equal(first.runs.length, 1);
    const resumed = await runStudy({ corpora: [CORPUS], out, budgetMinutes: 1, seeds: 2, grid: GRID, replayArgs: ['--hidden', '8'], passes: 2, resume: true });
    assert.deepEqual(resumed.points.map((p) => p.status), ['done', 'done']);
    assert.equal(resumed.runs.length, 6, 'no run repeated, none lost');
    assert.deepEqual(resumed.runs[0], first.runs[0], 'the earlier run is kept as it was');
    assert.equal(resumed.sessions.length, 2);
    assert.equal(resumed.startedAt, first.startedAt);
    assert.ok(Math.abs(resumed.studySeconds - (first.studySeconds + resumed.sessions[1].seconds)) < 1e-6);
    // Final runs make 2 passes, scored part-way through pass 1 and after each pass.
    for (const r of resumed.runs.filter((r) => r.role === 'final')) {
      assert.equal(r.figures!.curve.length, 4, JSON.stringify(r.figures!.curve));
      assert.deepEqual(r.figures!.curve.slice(2).map((c) => c.passes), [1, 2]);
      assert.ok(r.figures!.curve.every((c, i, cs) => i === 0 || (c.frames > cs[i - 1].frames && c.trainingSeconds >= cs[i - 1].trainingSeconds)));
      assert.equal(r.figures!.heldOutAccuracy, r.figures!.curve.at(-1)!.heldOutAccuracy);
    }
    // Everything kept: a second resume runs nothing, and only re-renders.
    const again = await runStudy({ corpora: [CORPUS], out, budgetMinutes: 1, seeds: 2, grid: GRID, replayArgs: ['--hidden', '8'], passes: 2, resume: true });
    assert.deepEqual(again.runs, resumed.runs);
    assert.ok(again.sessions[2].seconds < 5, `${again.sessions[2].seconds} s`);
  });

  it('should refuse to resume from results of another setup', async () => {
    const out = join(dir, 'resumed');
    await assert.rejects(
      runStudy({ corpora: [CORPUS], out, budgetMinutes: 1, seeds: 3, grid: GRID, replayArgs: ['--hidden', '8'], passes: 2, resume: true }),
      /study --resume: .*results\.json has seeds 2, this run 3/,
    );
    await assert.rejects(runStudy({ corpora: [CORPUS], out: join(dir, 'nothing-here'), budgetMinutes: 1, seeds: 2, grid: GRID, resume: true }), /study --resume: cannot read/);
  });
});
