import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CeilingFigures, CeilingsReport } from '../../src/study/ceilings-report.ts';
import { renderStudy } from '../../src/study/render-study.ts';
import { accuracyAt, CURVE_RESULTS, framesAt, meanSd2, secondsAt } from './study-fixture.ts';

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
/** mean ± sd of seed 1 and 2 at curve position i of a point of base accuracy `base`. */
const cell = (base: number, i: number) => {
  const { mean, sd } = meanSd2(accuracyAt(base, i, 1), accuracyAt(base, i, 2));
  return `${pct(mean)} ± ${pct(sd)}`;
};
const ceiling = (heldOutAccuracy: number): CeilingFigures => ({ heldOutAccuracy, heldOutKappa: null, validationAccuracy: heldOutAccuracy, epochs: 20, bestEpoch: 15, seconds: 100, parameters: 1000 });
const CEILINGS: CeilingsReport = {
  hidden: 128,
  dims: 26,
  phones: 40,
  fitFiles: 300,
  validationFiles: 50,
  heldOutFiles: 40,
  tfjs: { lstm: ceiling(0.55), blstm: ceiling(0.6) },
  // LSTM: 0.55 vs 0.541, 0.9 points: agree; BLSTM: 0.6 vs 0.58, 2.0 points: do not.
  pytorch: { lstm: ceiling(0.541), blstm: ceiling(0.58) },
};

describe('renderStudy of a study with curves', () => {
  const md = renderStudy(CURVE_RESULTS);
  const lines = md.split('\n');

  it('should give the overview held-out accuracy after ¼, ½, 1 and the last pass, then the end-of-run figures', () => {
    assert.ok(
      lines.includes(
        '| point | held-out after ¼ pass | held-out after ½ pass | held-out after 1 pass | held-out after 3 passes | pass-1 prequential accuracy | κ after 3 passes | Kappa-Temporal after 3 passes | ms/frame | updates/s | seeds | lr |',
      ),
      md,
    );
    // tbptt-10-20, base 0.4: prequential 0.31 and 0.32; κ = accuracy − 0.05; Kappa-Temporal −1.9, −1.8;
    // ms/frame 1000/110 and 1000/120; updates/s 10 and 20.
    const ms = meanSd2(1000 / 110, 1000 / 120);
    const kappa = meanSd2(accuracyAt(0.4, 4, 1) - 0.05, accuracyAt(0.4, 4, 2) - 0.05);
    const row = [
      'tbptt-10-20',
      ...[0, 1, 2, 4].map((i) => cell(0.4, i)),
      `${pct(0.315)} ± ${pct(meanSd2(0.31, 0.32).sd)}`,
      `${kappa.mean.toFixed(3)} ± ${kappa.sd.toFixed(3)}`,
      `${(-1.85).toFixed(3)} ± ${meanSd2(-1.9, -1.8).sd.toFixed(3)}`,
      `${ms.mean.toFixed(3)} ± ${ms.sd.toFixed(3)}`,
      `15 ± ${meanSd2(10, 20).sd.toFixed(0)}`,
      '2',
      '0.001',
    ];
    assert.ok(lines.includes(`| ${row.join(' | ')} |`), `missing ${row.join(' | ')}\n${md}`);
    assert.ok(lines.some((l) => l.startsWith('| eprop | done | — |')), 'a point whose runs all failed shows its status');
    assert.ok(lines.includes('| tbptt-40-40 | skipped | — | — | — | — | — | — | — | — | 0 | — |'), md);
    assert.match(md, /Pass-1 prequential accuracy: on the training stream during pass 1, each frame predicted before it is learned from\./);
  });

  it('should give each point its curve as a table', () => {
    assert.ok(lines.includes('| passes | training frames | training seconds | held-out accuracy |'));
    const i = lines.indexOf('## search-a-d6');
    const table = lines.slice(i).slice(lines.slice(i).indexOf('| passes | training frames | training seconds | held-out accuracy |') + 2).slice(0, 5);
    const expected = [0.2535, 0.504, 1, 2, 3].map((_, j) => {
      const passes = [0.253, 0.504, 1, 2, 3][j];
      return `| ${passes.toFixed(2)} | ${Math.round((framesAt(j, 1) + framesAt(j, 2)) / 2)} | ${((secondsAt(j, 1) + secondsAt(j, 2)) / 2).toFixed(1)} | ${cell(0.5, j)} |`;
    });
    assert.deepEqual(table, expected);
  });

  it('should embed the plots, each with a line saying what it shows, and list the sessions', () => {
    for (const name of ['accuracy-vs-frames', 'accuracy-vs-seconds', 'accuracy-vs-k2', 'accuracy-vs-delay']) {
      const at = lines.findIndex((l) => l.startsWith('![') && l.endsWith(`](plots/${name}.svg)`));
      assert.ok(at >= 0, name);
      assert.match(lines[at + 2], /^Held-out framewise accuracy .{20,}\.$/, name);
    }
    assert.ok(lines.includes('![held-out framewise accuracy vs training frames seen](plots/accuracy-vs-frames.svg)'));
    assert.ok(lines.includes('Sessions (2: resumed):'));
    // The total against the sum of the sessions' budgets, not against the last session's alone.
    assert.ok(lines.some((l) => / in 2 sessions \(budgets 10 \+ 60 = 70 min\)\.$/.test(l)), md);
    assert.ok(lines.includes('- 2026-01-02T03:04:05.000Z: 10.0 min of a 10 min budget'));
    assert.ok(lines.includes('- 2026-01-03T03:04:05.000Z: 50.0 min of a 60 min budget'));
  });

  it('should rank the best streamable learners, top 5, with their options and ms/frame', () => {
    const at = lines.indexOf('## Best streamable learner');
    assert.ok(at >= 0, md);
    const rows = lines.slice(at + 6, at + 12);
    assert.deepEqual(rows.slice(0, 5).map((r) => r.split(' | ')[1]), ['search-a-d6', 'search-b-d6', 'search-a-d3', 'tbptt-10-20-delay-2', 'tbptt-20-20']);
    assert.equal(rows[5], '', 'top 5 only');
    assert.ok(rows[0].startsWith(`| 1 | search-a-d6 | ${cell(0.5, 4)} | \`--k1 10 --k2 20 --delay 6 --hidden 256\` | `), rows[0]);
    assert.ok(!md.includes('margin over'), 'no ceilings, no margin');
    assert.ok(!md.includes('## Offline ceilings'));
  });

  it('should mark the place of the conclusions and render them when the results have them', () => {
    assert.ok(lines.includes('<!-- conclusions -->'));
    assert.ok(!md.includes('## Conclusions'));
    const withConclusions = renderStudy({ ...CURVE_RESULTS, conclusions: ['First finding.', 'Second finding.'] }).split('\n');
    const at = withConclusions.indexOf('<!-- conclusions -->');
    assert.deepEqual(withConclusions.slice(at, at + 7), ['<!-- conclusions -->', '', '## Conclusions', '', 'First finding.', '', 'Second finding.']);
  });

  it('should set the offline ceilings side by side, with their difference and whether they agree within 1.5 points', () => {
    const out = renderStudy(CURVE_RESULTS, CEILINGS);
    const ls = out.split('\n');
    assert.ok(ls.includes('## Offline ceilings'));
    assert.ok(ls.includes('| model | tfjs held-out accuracy | PyTorch held-out accuracy | tfjs − PyTorch (points) | agree within 1.5 points |'), out);
    assert.ok(ls.includes('| LSTM (unidirectional) | 55.0 % | 54.1 % | +0.9 | yes |'), out);
    assert.ok(ls.includes('| BLSTM (not streamable: reads the whole utterance) | 60.0 % | 58.0 % | +2.0 | no |'), out);
    // The best learner's margin over the tfjs BLSTM: search-a-d6's mean after 3 passes − 0.6, in points.
    const best = meanSd2(accuracyAt(0.5, 4, 1), accuracyAt(0.5, 4, 2)).mean;
    const margin = 100 * (best - 0.6);
    const row = ls.find((l) => l.startsWith('| 1 | search-a-d6 |'))!;
    assert.ok(row.endsWith(` | ${margin >= 0 ? '+' : '−'}${Math.abs(margin).toFixed(1)} |`), row);
    assert.ok(ls.some((l) => l.includes('| margin over the tfjs BLSTM ceiling (points) |')));
    const noTorch = renderStudy(CURVE_RESULTS, { ...CEILINGS, pytorch: null });
    assert.ok(noTorch.includes('| LSTM (unidirectional) | 55.0 % | not run | — | — |'), noTorch);
    assert.ok(!out.includes('Settings:'), 'no settings, no line');
    const settings = { corpora: ['c'], hidden: 8, batch: 16, lr: 0.005, maxEpochs: 20, patience: 3, seed: 1, split: CURVE_RESULTS.split, tfjsBackend: 'wasm', torch: '1.13', torchThreads: 1 };
    const withSettings = renderStudy(CURVE_RESULTS, { ...CEILINGS, settings }).split('\n');
    const line = withSettings.find((l) => l.startsWith('Settings: '));
    assert.ok(line?.startsWith('Settings: batches of 16 utterances, Adam at 0.005, at most 20 epochs, patience 3, seed 1. Trained: tfjs (wasm) LSTM '), line);
    assert.ok(line!.includes('; PyTorch 1.13 LSTM '), line);
  });

  it('should be a function of its arguments alone', () => {
    assert.equal(renderStudy(structuredClone(CURVE_RESULTS)), md);
    assert.equal(renderStudy(structuredClone(CURVE_RESULTS), structuredClone(CEILINGS)), renderStudy(CURVE_RESULTS, CEILINGS));
  });
});
