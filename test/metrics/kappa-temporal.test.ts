import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { cohenKappa, type ConfusionCell } from '../../src/metrics/cohen-kappa.ts';
import { kappaTemporal, noChangeAccuracy, TemporalAgreement } from '../../src/metrics/kappa-temporal.ts';

const close = (actual: number | null, expected: number | null, tol = 1e-12) =>
  expected === null ? assert.equal(actual, null) : assert.ok(actual !== null && Math.abs(actual - expected) <= tol, `${actual} ≠ ${expected}`);

/** Feeds utterances of [truth, predicted] frames, ending each one. */
function feed(utterances: readonly (readonly (readonly [string, string])[])[]): TemporalAgreement {
  const a = new TemporalAgreement();
  for (const u of utterances) {
    for (const [t, p] of u) a.add(t, p);
    a.endUtterance();
  }
  return a;
}

/** The model that predicts the previous frame's true label (its guess on the first frame given). */
const noChangeModel = (truth: readonly string[], first: string) => truth.map((t, i) => [t, i === 0 ? first : truth[i - 1]] as const);

describe('noChangeAccuracy and kappaTemporal', () => {
  it('should count repeats of the previous reference label, each utterance starting with a miss', () => {
    assert.equal(noChangeAccuracy([['sil', 'sil', 'aa', 'aa'], ['s']]), 2 / 5);
    assert.equal(noChangeAccuracy([['a', 'a', 'a']]), 2 / 3);
    // the boundary is not a repeat: 'a' then 'a' across two utterances is a miss
    assert.equal(noChangeAccuracy([['a'], ['a']]), 0);
    assert.equal(noChangeAccuracy([]), null);
    assert.equal(noChangeAccuracy([[], []]), null);
  });

  it('should be the gain over the no-change classifier in the room it leaves', () => {
    close(kappaTemporal(0.9, 0.8), 0.5);
    close(kappaTemporal(0.8, 0.8), 0);
    close(kappaTemporal(0.6, 0.8), -1);
    assert.equal(kappaTemporal(null, null), null);
    assert.equal(kappaTemporal(1, 1), null);
  });
});

describe('TemporalAgreement', () => {
  it('should be null everywhere before any frame', () => {
    const a = new TemporalAgreement();
    a.endUtterance(); // an empty utterance is not counted
    assert.deepEqual(a.summary(), { frames: 0, accuracy: null, noChangeAccuracy: null, kappa: null, kappaTemporal: null });
    assert.equal(a.utterances, 0);
  });

  it('should score the doc example', () => {
    const a = feed([[['sil', 'sil'], ['sil', 'sil'], ['aa', 'sil'], ['aa', 'aa']]]);
    assert.equal(a.accuracy(), 0.75);
    assert.equal(a.noChangeAccuracy(), 0.5);
    assert.equal(a.kappaTemporal(), 0.5);
    // rows sil 2, aa 2; columns sil 3, aa 1: p_e = (6 + 2)/16 = 0.5
    assert.equal(a.kappa(), 0.5);
    assert.equal(a.utterances, 1);
  });

  it('where the no-change classifier is as good as it gets (long phones): a model that copies it scores κ_per = 0', () => {
    const truth = [...Array(50).fill('sil'), ...Array(30).fill('aa'), ...Array(20).fill('sil')];
    // 2 label changes and the first frame: 97 of 100
    assert.equal(noChangeAccuracy([truth]), 0.97);
    const copy = feed([noChangeModel(truth, 'aa')]);
    assert.equal(copy.accuracy(), 0.97);
    assert.equal(copy.noChangeAccuracy(), 0.97);
    close(copy.kappaTemporal(), 0);
    // high accuracy and a high Cohen's kappa, yet no skill beyond repeating the last label
    assert.ok(copy.kappa()! > 0.9, `κ ${copy.kappa()}`);
    // a perfect model still gets 1, and one wrong frame more than the copy is below 0
    close(feed([truth.map((t) => [t, t] as const)]).kappaTemporal(), 1);
    const worse = noChangeModel(truth, 'aa').map(([t, p], i) => (i === 10 ? ([t, 'zz'] as const) : ([t, p] as const)));
    close(feed([worse]).kappaTemporal(), (0.96 - 0.97) / 0.03);
  });

  it('where the no-change classifier is useless (the label changes every frame): κ_per is the accuracy', () => {
    const truth = Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? 'a' : 'b'));
    const predicted = truth.map((t, i) => (i % 4 === 0 ? 'b' : t)); // 10 of 40 wrong
    const a = feed([truth.map((t, i) => [t, predicted[i]] as const)]);
    assert.equal(a.noChangeAccuracy(), 0);
    assert.equal(a.accuracy(), 0.75);
    assert.equal(a.kappaTemporal(), 0.75);
  });

  it('should restart the no-change classifier at each utterance boundary', () => {
    // the same label across the boundary is not a repeat
    const a = feed([[['s', 's'], ['s', 's']], [['s', 's'], ['s', 's']]]);
    assert.equal(a.noChangeAccuracy(), 0.5);
    assert.equal(a.utterances, 2);
    close(a.kappaTemporal(), 1);
    assert.equal(a.kappa(), null, 'one label on both sides throughout: p_e = 1');
    // without endUtterance between them the four frames are one utterance
    const b = new TemporalAgreement();
    for (let i = 0; i < 4; i++) b.add('s', 's');
    assert.equal(b.noChangeAccuracy(), 0.75);
  });

  it('should equal the batch formulas on random labelled sequences split into utterances (property)', () => {
    const label = fc.constantFrom('sil', 'aa', 's', 'iy');
    // runs of labels, as phones are, so the no-change classifier has something to get right
    const frame = fc.tuple(label, label, fc.integer({ min: 1, max: 6 }));
    const utterance = fc.array(frame, { maxLength: 12 }).map((runs) => runs.flatMap(([t, p, n]) => Array.from({ length: n }, (_, i) => [t, i % 3 === 0 ? p : t] as const)));
    fc.assert(
      fc.property(fc.array(utterance, { maxLength: 8 }), (utterances) => {
        const a = feed(utterances);
        const all = utterances.flat();
        const cells: ConfusionCell[] = all.map(([t, p]) => [t, p, 1]);
        const accuracy = all.length === 0 ? null : all.filter(([t, p]) => t === p).length / all.length;
        const noChange = noChangeAccuracy(utterances.map((u) => u.map(([t]) => t)));
        assert.equal(a.frames, all.length);
        assert.equal(a.utterances, utterances.filter((u) => u.length > 0).length);
        close(a.accuracy(), accuracy);
        close(a.noChangeAccuracy(), noChange);
        close(a.kappa(), cohenKappa(cells));
        close(a.kappaTemporal(), kappaTemporal(accuracy, noChange));
        const kt = a.kappaTemporal();
        if (kt !== null) {
          assert.ok(kt <= 1 + 1e-12);
          assert.equal(Math.abs(kt - 1) < 1e-12, accuracy === 1);
        }
        if (all.length > 0) assert.ok(noChange! <= 1 - a.utterances / all.length + 1e-12, 'each utterance starts with a no-change miss');
        return true;
      }),
      { numRuns: 1000 },
    );
  });
});
