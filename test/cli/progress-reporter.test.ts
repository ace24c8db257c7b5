import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  createProgressReporter,
  etaSeconds,
  formatDuration,
  formatHeldOutLine,
  formatPlainLine,
  formatProgressLine,
  type ProgressSnapshot,
} from '../../src/cli/progress-reporter.ts';
import type { ReplayEvent } from '../../pipelines/replay-corpus.ts';

// epoch 2 of 3, 12 of 155 utterances into it: 167 of 465 done in 100 s → 298 left at 1.67/s
const snap: ProgressSnapshot = {
  epoch: 2,
  epochs: 3,
  frames: 40123,
  utterances: 12,
  utterancesPerEpoch: 155,
  elapsedSeconds: 100,
  realTimeFactor: 3.14,
  accuracy: 0.4123,
  loss: 1.8734,
};

describe('progress lines', () => {
  it('ETA from the utterance rate over all epochs', () => {
    assert.equal(Math.round(etaSeconds(snap)!), Math.round((298 * 100) / 167));
    assert.equal(etaSeconds({ ...snap, epoch: 1, utterances: 0 }), null);
    assert.equal(formatDuration(178.4), '2m58s');
    assert.equal(formatDuration(3725), '1h02m');
    assert.equal(formatDuration(9), '9s');
    assert.equal(formatDuration(null), '-');
  });

  it('a wide terminal: everything, with a bar of at most 30 columns', () => {
    const line = formatProgressLine(snap, 200);
    assert.equal(
      line,
      'epoch 2/3 [##----------------------------] 8% | utt 12/155 of epoch 2 | 40123 frames | 3.1x real time | training acc 41.2% | loss 1.873 | ETA 2m58s',
    );
  });

  it('narrower: the bar shrinks, then goes before anything else', () => {
    const full = formatProgressLine(snap, 200);
    const noBar = full.replace(/ \[[#-]+\]/, '');
    // room for a 10-column bar exactly
    const ten = formatProgressLine(snap, noBar.length + 1 + 13);
    assert.match(ten, /^epoch 2\/3 \[#?-+\] 8% \| /);
    assert.equal(ten.match(/\[([#-]+)\]/)![1].length, 10);
    assert.equal(formatProgressLine(snap, noBar.length + 1 + 12), noBar);
  });

  it('narrower still: frames, real time, percentage, ETA go, then the long forms, then the counts; accuracy and loss stay', () => {
    assert.equal(formatProgressLine(snap, 100), 'epoch 2/3 8% | utt 12/155 of epoch 2 | 3.1x real time | training acc 41.2% | loss 1.873 | ETA 2m58s');
    assert.equal(formatProgressLine(snap, 90), 'epoch 2/3 8% | utt 12/155 of epoch 2 | training acc 41.2% | loss 1.873 | ETA 2m58s');
    assert.equal(formatProgressLine(snap, 80), 'epoch 2/3 | utt 12/155 of epoch 2 | training acc 41.2% | loss 1.873 | ETA 2m58s');
    assert.equal(formatProgressLine(snap, 70), 'epoch 2/3 | utt 12/155 of epoch 2 | training acc 41.2% | loss 1.873');
    assert.equal(formatProgressLine(snap, 60), 'epoch 2/3 | utt 12/155 | acc 41.2% | loss 1.873');
    assert.equal(formatProgressLine(snap, 30), 'acc 41.2% | loss 1.873');
    assert.equal(formatProgressLine(snap, 15), 'acc 41.2% | lo');
    for (const width of [200, 100, 80, 70, 60, 40, 20, 1]) {
      assert.ok(formatProgressLine(snap, width).length <= width - 1, `width ${width}`);
    }
  });

  it('pass 1 names its accuracy prequential; one epoch leaves out "of epoch"', () => {
    const one = { ...snap, epoch: 1, epochs: 1, utterances: 5, utterancesPerEpoch: 5, accuracy: null, loss: null };
    assert.equal(formatProgressLine(one, 70), 'epoch 1/1 100% | utt 5/5 | prequential acc - | loss - | ETA 0s');
  });

  it('plain lines for logs: utterances of the epoch, nothing dropped, the ETA', () => {
    assert.equal(
      formatPlainLine(snap),
      'epoch 2/3 utterances 12/155 of epoch 2 frames 40123 3.1x real time, training acc 41.2%, loss 1.873, ETA 2m58s',
    );
  });
});

describe('held-out lines', () => {
  const counts = { accuracy: () => 0.41, frames: 1517 };
  const agreement = { kappa: () => 0.3521, kappaTemporal: () => -0.9123, noChangeAccuracy: () => 0.8634 };
  it('after an epoch, and part-way (--score-at)', () => {
    const epoch = { kind: 'epoch', epoch: 1, heldOut: counts, heldOutAgreement: agreement } as unknown as Extract<ReplayEvent, { kind: 'epoch' }>;
    assert.equal(
      formatHeldOutLine(epoch, 12000, 2),
      'held-out after epoch 1: accuracy 41.0% (κ 0.352, κ-temporal -0.912 vs no-change 86.3%), 1517 frames of 2 files, after 12000 training frames',
    );
    const part = { kind: 'score', epoch: 1, passes: 0.25, heldOut: counts, heldOutAgreement: agreement } as unknown as Extract<ReplayEvent, { kind: 'score' }>;
    assert.match(formatHeldOutLine(part, 3000, 1)!, /^held-out at 0\.25 passes \(epoch 1\): accuracy 41\.0% .*, 1517 frames of 1 file, after 3000 training frames$/);
  });

  it('nothing held out: no line', () => {
    const epoch = { kind: 'epoch', epoch: 1, heldOut: null, heldOutAgreement: null } as unknown as Extract<ReplayEvent, { kind: 'epoch' }>;
    assert.equal(formatHeldOutLine(epoch, 1, 0), null);
  });
});

describe('createProgressReporter', () => {
  const fake = (isTTY: boolean, columns = 80) => {
    const out: string[] = [];
    return { out, stream: { isTTY, columns, write: (t: string) => out.push(t) } as unknown as NodeJS.WriteStream };
  };

  it('on a terminal: redraws one line fitted to the width; a log line goes above it', () => {
    const { out, stream } = fake(true, 70);
    const r = createProgressReporter(stream, 5000, 0);
    r.update(snap);
    r.log('held-out after epoch 1: accuracy 41.0%');
    r.stop();
    const text = out.join('');
    assert.ok(text.startsWith('\repoch 2/3 | utt 12/155 of epoch 2 | training acc 41.2% | loss 1.873\x1b[K'), JSON.stringify(text));
    assert.match(text, /\r\x1b\[Kheld-out after epoch 1: accuracy 41\.0%\n\repoch 2\/3/);
    assert.ok(text.endsWith('\n'));
  });

  it('not a terminal: plain lines at the interval, log lines at once, the last state at the end', () => {
    const { out, stream } = fake(false);
    const r = createProgressReporter(stream, 60_000);
    r.update(snap);
    r.update({ ...snap, utterances: 13 });
    r.log('held-out at 0.25 passes (epoch 1): accuracy 41.0%');
    r.stop();
    assert.deepEqual(out, [
      `${formatPlainLine(snap)}\n`,
      'held-out at 0.25 passes (epoch 1): accuracy 41.0%\n',
      `${formatPlainLine({ ...snap, utterances: 13 })}\n`,
    ]);
  });
});
