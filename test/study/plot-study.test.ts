import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  accuracyVsDelaySpec,
  accuracyVsFramesSpec,
  accuracyVsK2Spec,
  accuracyVsSecondsSpec,
  curveRows,
  delayGroups,
  delayRows,
  k2Rows,
  studyPlots,
} from '../../src/study/plot-study.ts';
import { renderSpecToSvg } from '../../src/study/render-spec.ts';
import { writeStudyPlots } from '../../src/study/write-study-plots.ts';
import { accuracyAt, BASE, CURVE_RESULTS, framesAt, meanSd2, secondsAt } from './study-fixture.ts';

const close = (actual: number | null, expected: number, what: string) => assert.ok(actual !== null && Math.abs(actual - expected) < 1e-12, `${what}: ${actual} ≠ ${expected}`);
const WITH_FINALS = Object.keys(BASE);

describe('the study plots', () => {
  it('should plot each point with final runs along its curve, mean and sd over the seeds at each position', () => {
    const rows = curveRows(CURVE_RESULTS);
    assert.deepEqual([...new Set(rows.map((r) => r.point))], WITH_FINALS, 'eprop (failed) and tbptt-40-40 (skipped) left out');
    assert.equal(rows.length, WITH_FINALS.length * 5);
    for (const r of rows) {
      const i = rows.filter((q) => q.point === r.point).indexOf(r);
      const acc = meanSd2(accuracyAt(BASE[r.point], i, 1), accuracyAt(BASE[r.point], i, 2));
      close(r.accuracy, acc.mean, `${r.point} ${i} mean`);
      close(r.sd, acc.sd, `${r.point} ${i} sd`);
      close(r.lo, acc.mean - acc.sd, 'lo');
      close(r.hi, acc.mean + acc.sd, 'hi');
      close(r.frames, (framesAt(i, 1) + framesAt(i, 2)) / 2, 'frames');
      close(r.trainingSeconds, (secondsAt(i, 1) + secondsAt(i, 2)) / 2, 'seconds');
      assert.equal(r.seeds, 2);
    }
    assert.equal(rows.find((r) => r.point === 'framewise-k2-5')!.family, 'k1 = 1 (every frame)');
    assert.equal(rows.find((r) => r.point === 'search-a-d3')!.family, 'search (other networks)');
  });

  it('should say what each figure is in its title and axis labels', () => {
    const text = (spec: unknown) => JSON.stringify(spec);
    const frames = text(accuracyVsFramesSpec(CURVE_RESULTS));
    assert.match(frames, /Held-out framewise accuracy vs training frames seen/);
    assert.match(frames, /"title":"training frames seen \(log\)"/);
    assert.match(frames, /"title":"held-out framewise accuracy"/);
    assert.match(text(accuracyVsSecondsSpec(CURVE_RESULTS)), /"title":"training wall-clock seconds, held-out scoring excluded \(log\)"/);
    assert.match(text(accuracyVsK2Spec(CURVE_RESULTS)), /k2: steps the gradient goes back/);
    assert.match(text(accuracyVsDelaySpec(CURVE_RESULTS)), /target delay \(frames of 10 ms\)/);
  });

  it('should plot only TBPTT points with k1 > 1 and no delay against k2, after pass 1 and after the last pass', () => {
    const rows = k2Rows(CURVE_RESULTS);
    assert.deepEqual(rows.map((r) => `${r.point} ${r.when}`), [
      'tbptt-10-20 after pass 1',
      'tbptt-10-20 after 3 passes',
      'tbptt-10-5-per-frame after pass 1',
      'tbptt-10-5-per-frame after 3 passes',
      'tbptt-20-20 after pass 1',
      'tbptt-20-20 after 3 passes',
    ]);
    const perFrame = rows.filter((r) => r.point === 'tbptt-10-5-per-frame');
    assert.deepEqual(perFrame.map((r) => [r.k1, r.k2, r.truncation]), [['10', 5, 'per-frame'], ['10', 5, 'per-frame']]);
    // pass 1 is curve position 2, the last pass position 4
    const [p1, p3] = [2, 4].map((i) => meanSd2(accuracyAt(0.35, i, 1), accuracyAt(0.35, i, 2)));
    close(perFrame[0].accuracy, p1.mean, 'pass 1');
    close(perFrame[0].sd, p1.sd, 'pass 1 sd');
    close(perFrame[1].accuracy, p3.mean, 'last pass');
    assert.match(JSON.stringify(accuracyVsK2Spec(CURVE_RESULTS)), /"strokeDash":\{"field":"truncation"/);
  });

  it('should group the points that differ only by --delay', () => {
    assert.deepEqual(
      delayGroups(CURVE_RESULTS).map((g) => [g.label, g.points.map((p) => p.name)]),
      [
        ['--k1 10 --k2 20', ['tbptt-10-20', 'tbptt-10-20-delay-2']],
        ['--k1 10 --k2 20 --hidden 256', ['search-a-d3', 'search-a-d6']],
      ],
      'search-b-d6 (2 layers) and tbptt-10-5-per-frame have no partner; tbptt-20-20 has another k1',
    );
    const rows = delayRows(CURVE_RESULTS);
    assert.deepEqual(rows.map((r) => [r.point, r.delay]), [['tbptt-10-20', 0], ['tbptt-10-20-delay-2', 2], ['search-a-d3', 3], ['search-a-d6', 6]]);
    close(rows[3].accuracy, meanSd2(accuracyAt(0.5, 4, 1), accuracyAt(0.5, 4, 2)).mean, 'search-a-d6');
  });

  it('should leave out a plot with nothing to show', () => {
    assert.deepEqual(studyPlots(CURVE_RESULTS).map((p) => p.name), ['accuracy-vs-frames', 'accuracy-vs-seconds', 'accuracy-vs-k2', 'accuracy-vs-delay']);
    const noDelay = { ...CURVE_RESULTS, runs: CURVE_RESULTS.runs.filter((r) => !/delay|search/.test(r.point)) };
    assert.deepEqual(studyPlots(noDelay).map((p) => p.name), ['accuracy-vs-frames', 'accuracy-vs-seconds', 'accuracy-vs-k2']);
    assert.deepEqual(studyPlots({ ...CURVE_RESULTS, runs: [] }), []);
  });
});

describe('renderSpecToSvg and writeStudyPlots', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'phonestream-plots-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('should render each plot to an SVG document with its axis titles, the same SVG for the same results', async () => {
    const written = await writeStudyPlots(CURVE_RESULTS, join(dir, 'a'));
    assert.deepEqual((await readdir(join(dir, 'a', 'plots'))).sort(), ['accuracy-vs-delay.svg', 'accuracy-vs-frames.svg', 'accuracy-vs-k2.svg', 'accuracy-vs-seconds.svg']);
    const frames = await readFile(join(dir, 'a', 'plots', 'accuracy-vs-frames.svg'), 'utf8');
    assert.match(frames, /^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.match(frames, /<\/svg>\n$/);
    for (const label of ['training frames seen (log)', 'held-out framewise accuracy', 'Held-out framewise accuracy vs training frames seen', 'tbptt-10-20']) assert.ok(frames.includes(label), label);
    const delay = await readFile(join(dir, 'a', 'plots', 'accuracy-vs-delay.svg'), 'utf8');
    assert.ok(delay.includes('target delay (frames of 10 ms)'));
    await writeStudyPlots(structuredClone(CURVE_RESULTS), join(dir, 'b'));
    for (const path of written) assert.equal(await readFile(path.replace(join(dir, 'a'), join(dir, 'b')), 'utf8'), await readFile(path, 'utf8'), path);
    assert.equal(await renderSpecToSvg(accuracyVsK2Spec(CURVE_RESULTS)), await renderSpecToSvg(accuracyVsK2Spec(CURVE_RESULTS)));
  });
});
