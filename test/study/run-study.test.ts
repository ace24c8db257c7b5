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
  { name: 'tbptt-20-20', description: 'TBPTT(20, 20)', kind: 'tbptt', args: ['--k1', '20', '--k2', '20'], lrs: [1e-3, 3e-3] },
  { name: 'framewise-k2-5', description: 'framewise', kind: 'framewise', args: ['--preset', 'framewise', '--k2', '5'], lrs: [1e-3] },
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
});
