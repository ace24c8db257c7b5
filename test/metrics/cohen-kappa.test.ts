import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { chanceAgreement, cohenKappa, type ConfusionCell } from '../../src/metrics/cohen-kappa.ts';
import { kappaFromAgreement } from '../../src/metrics/kappa-from-agreement.ts';
import { ConfusionCounts } from '../../src/metrics/confusion-counts.ts';

const close = (actual: number | null, expected: number, tol = 1e-12) =>
  assert.ok(actual !== null && Math.abs(actual - expected) <= tol, `${actual} ≠ ${expected}`);

describe('cohenKappa', () => {
  it("should give the published kappa of Wikipedia's textbook example (50 applications, κ = 0.4)", () => {
    // Rater A says yes 25 times, rater B 30 times; they agree on 20 yes and 15 no: p_o = 0.7, p_e = 0.5.
    close(cohenKappa([['yes', 'yes', 20], ['yes', 'no', 5], ['no', 'yes', 10], ['no', 'no', 15]]), 0.4);
  });

  it('should tell apart two tables with the same accuracy but different marginals (Wikipedia: 0.1304 and 0.2593)', () => {
    // Both p_o = 0.6; p_e = 0.6·0.7 + 0.4·0.3 = 0.54 and 0.6·0.3 + 0.4·0.7 = 0.46.
    close(cohenKappa([['y', 'y', 45], ['y', 'n', 15], ['n', 'y', 25], ['n', 'n', 15]]), 0.06 / 0.46);
    close(cohenKappa([['y', 'y', 25], ['y', 'n', 35], ['n', 'y', 5], ['n', 'n', 35]]), 0.14 / 0.54);
    assert.equal(Number(cohenKappa([['y', 'y', 45], ['y', 'n', 15], ['n', 'y', 25], ['n', 'n', 15]])!.toFixed(4)), 0.1304);
    assert.equal(Number(cohenKappa([['y', 'y', 25], ['y', 'n', 35], ['n', 'y', 5], ['n', 'n', 35]])!.toFixed(4)), 0.2593);
  });

  it('should compute a hand-worked 3×3 matrix, with a label predicted but never the reference', () => {
    // rows sil 6, aa 3, s 1 (N = 10); columns sil 5, aa 3, s 1, z 1; agreement 4 + 2 + 1 = 7.
    const cells: ConfusionCell[] = [['sil', 'sil', 4], ['sil', 'aa', 1], ['sil', 'z', 1], ['aa', 'aa', 2], ['aa', 'sil', 1], ['s', 's', 1]];
    const pe = (6 * 5 + 3 * 3 + 1 * 1) / 100; // 0.4; z has no row, so no term
    close(chanceAgreement(new Map([['sil', 6], ['aa', 3], ['s', 1]]), new Map([['sil', 5], ['aa', 3], ['s', 1], ['z', 1]]), 10), pe);
    close(cohenKappa(cells), (0.7 - pe) / (1 - pe)); // 0.5
    close(cohenKappa(cells), 0.5);
  });

  it('should be 0 for a constant classifier whatever its accuracy, and −1 for perfect disagreement', () => {
    // always "sil" on 90% silence: 90% accuracy, no skill
    close(cohenKappa([['sil', 'sil', 90], ['aa', 'sil', 10]]), 0);
    close(cohenKappa([['a', 'b', 5], ['b', 'a', 5]]), -1);
  });

  it('should add up repeated cells and ignore zero cells', () => {
    close(cohenKappa([['yes', 'yes', 10], ['yes', 'yes', 10], ['no', 'yes', 0], ['yes', 'no', 5], ['no', 'yes', 10], ['no', 'no', 15]]), 0.4);
  });

  it('should return null without frames, and null when reference and prediction are one label throughout (p_e = 1)', () => {
    assert.equal(cohenKappa([]), null);
    assert.equal(cohenKappa([['a', 'b', 0]]), null);
    assert.equal(chanceAgreement(new Map(), new Map(), 0), null);
    assert.equal(cohenKappa([['sil', 'sil', 1000]]), null);
    // one label in the reference only is not degenerate: p_e < 1
    close(cohenKappa([['sil', 'sil', 9], ['sil', 'aa', 1]]), 0);
  });

  it('should read a ConfusionCounts through cells()', () => {
    const c = new ConfusionCounts();
    for (const [t, p, n] of [['yes', 'yes', 20], ['yes', 'no', 5], ['no', 'yes', 10], ['no', 'no', 15]] as const) for (let i = 0; i < n; i++) c.add(t, p);
    assert.deepEqual([...c.cells()].sort(), [['no', 'no', 15], ['no', 'yes', 10], ['yes', 'no', 5], ['yes', 'yes', 20]]);
    close(cohenKappa(c.cells()), 0.4);
  });

  it('should be in [−1, 1], and 1 exactly when every frame is right (property)', () => {
    const label = fc.constantFrom('sil', 'aa', 's', 'z', 'iy');
    const cell = fc.tuple(label, label, fc.integer({ min: 0, max: 50 }));
    fc.assert(
      fc.property(fc.array(cell, { maxLength: 30 }), (cells) => {
        const k = cohenKappa(cells);
        const frames = cells.reduce((a, c) => a + c[2], 0);
        if (frames === 0) return k === null;
        const allCorrect = cells.every(([t, p, n]) => n === 0 || t === p);
        const labels = new Set(cells.filter((c) => c[2] > 0).flatMap(([t, p]) => [t, p]));
        if (labels.size === 1) return k === null; // p_e = 1
        assert.ok(k !== null && k <= 1 + 1e-12 && k >= -1 - 1e-12, `κ ${k}`);
        assert.equal(Math.abs(k - 1) < 1e-12, allCorrect, `κ ${k}, all correct ${allCorrect}`);
        return true;
      }),
      { numRuns: 2000 },
    );
  });
});

describe('kappaFromAgreement', () => {
  it('should scale the gain over the baseline by the room the baseline leaves, and be null at a perfect baseline', () => {
    close(kappaFromAgreement(0.7, 0.5), 0.4);
    assert.equal(kappaFromAgreement(0.5, 0.5), 0);
    assert.equal(kappaFromAgreement(1, 0.9), 1);
    assert.equal(kappaFromAgreement(1, 1), null);
    assert.equal(kappaFromAgreement(0, 1), null);
  });
});
