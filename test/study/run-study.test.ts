import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { meanAndSpread } from '../../src/study/mean-and-spread.ts';
import { renderStudy } from '../../src/study/render-study.ts';
import type { CeilingsReport } from '../../src/study/ceilings-report.ts';
import { readCeilings, runStudy } from '../../src/study/run-study.ts';
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
    const results = await runStudy({ corpora: [CORPUS], out, budgetMinutes: 1, seeds: 2, grid: GRID, replayArgs: ['--hidden', '8'], passes: 1 });
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
    // The plots study.md embeds, as SVG files (no delay plot: no two points differ only by delay).
    assert.deepEqual((await readdir(join(out, 'plots'))).sort(), ['accuracy-vs-frames.svg', 'accuracy-vs-k2.svg', 'accuracy-vs-seconds.svg']);
    for (const name of ['accuracy-vs-frames', 'accuracy-vs-k2', 'accuracy-vs-seconds']) {
      assert.match(await readFile(join(out, 'plots', `${name}.svg`), 'utf8'), /^<svg /);
      assert.ok(md.includes(`(plots/${name}.svg)`), name);
    }
    assert.ok(!md.includes('## Offline ceilings'), 'no ceilings.json, no section');
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
    // Everything kept: a second resume runs nothing, and only re-renders, now with the ceilings.
    const ceiling = { heldOutAccuracy: 0.6, heldOutKappa: null, validationAccuracy: 0.6, epochs: 3, bestEpoch: 2, seconds: 1, parameters: 10 };
    const ceilings: CeilingsReport = { hidden: 8, dims: 26, phones: 40, fitFiles: 3, validationFiles: 1, heldOutFiles: 1, tfjs: { lstm: ceiling, blstm: ceiling }, pytorch: null };
    await writeFile(join(out, 'ceilings.json'), JSON.stringify(ceilings));
    // Hand-written conclusions in results.json survive a resume and are rendered.
    const withConclusions = { ...JSON.parse(await readFile(join(out, 'results.json'), 'utf8')), conclusions: ['First finding.', 'Second finding.'] };
    await writeFile(join(out, 'results.json'), JSON.stringify(withConclusions));
    const again = await runStudy({ corpora: [CORPUS], out, budgetMinutes: 1, seeds: 2, grid: GRID, replayArgs: ['--hidden', '8'], passes: 2, resume: true });
    assert.deepEqual(again.runs, resumed.runs);
    assert.deepEqual(again.conclusions, ['First finding.', 'Second finding.']);
    assert.ok(again.sessions[2].seconds < 5, `${again.sessions[2].seconds} s`);
    const md = await readFile(join(out, 'study.md'), 'utf8');
    assert.equal(md, renderStudy(again, ceilings));
    assert.ok(md.includes('## Offline ceilings'));
    assert.ok(md.includes('## Conclusions\n\nFirst finding.\n\nSecond finding.'), md);
    // A resume with no budget left still keeps every earlier run (none is dropped as "skipped").
    const spent = await runStudy({ corpora: [CORPUS], out, budgetMinutes: 0, seeds: 2, grid: GRID, replayArgs: ['--hidden', '8'], passes: 2, resume: true });
    assert.deepEqual(spent.runs, resumed.runs);
    assert.deepEqual(spent.points.map((p) => p.status), ['done', 'done']);
  });

  it('should read OUT/ceilings.json if there is one, and name the file when it cannot', async () => {
    const out = join(dir, 'ceilings');
    assert.equal(await readCeilings(join(out, 'ceilings.json')), undefined, 'none: no section');
    await rm(out, { recursive: true, force: true });
    await mkdir(out, { recursive: true });
    await writeFile(join(out, 'ceilings.json'), '{ not json');
    await assert.rejects(readCeilings(join(out, 'ceilings.json')), (err: Error) => err.name === 'ConfigError' && err.message.includes(join(out, 'ceilings.json')) && /not JSON/.test(err.message));
    await writeFile(join(out, 'ceilings.json'), '{"tfjs": {}}');
    await assert.rejects(readCeilings(join(out, 'ceilings.json')), /ceilings\.json is not a ceilings report/);
    // runStudy fails at once, before any run.
    const t0 = performance.now();
    await assert.rejects(runStudy({ corpora: [CORPUS], out, budgetMinutes: 1, seeds: 2, grid: GRID, replayArgs: ['--hidden', '8'] }), /ceilings\.json is not a ceilings report/);
    assert.ok(performance.now() - t0 < 5000);
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
