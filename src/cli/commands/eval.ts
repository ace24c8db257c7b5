import { writeFile } from 'node:fs/promises';
import { lastValueFrom } from 'rxjs';
import { ConfigError } from '../../errors.ts';
import type { CorpusProblem } from '../../corpus/corpus-entry.ts';
import { PHONE_SETS } from '../../labels/phone-sets.ts';
import { foldTimit39 } from '../../labels/fold-timit-39.ts';
import type { BackendName } from '../../learner/select-backend.ts';
import type { ConfusionCounts } from '../../metrics/confusion-counts.ts';
import type { TemporalAgreement } from '../../metrics/kappa-temporal.ts';
import type { CliCommand } from '../cli-command.ts';
import { assertCorpusPhones } from '../assert-corpus-phones.ts';
import { formatAgreement } from '../format-agreement.ts';
import { listCorpora } from '../list-corpora.ts';
import { warnOnce } from '../warn-once.ts';
import { checkOutputPaths } from '../check-output-path.ts';
import { choiceOption, numberOption, parseOptions } from '../parse-options.ts';

const HELP = `Usage: phonestream eval CORPUS... --load DIR [options]

Scores a trained model framewise on a labelled corpus, with frozen weights: accuracy on the
model's phone set, folded to TIMIT's 39 classes as well when the model uses TIMIT's 61 phones,
the most confused pairs, Cohen's kappa, and Kappa-Temporal against the no-change classifier
(repeat the previous frame's true label; its accuracy is reported too). Features are normalised
with the checkpoint's statistics.

Options:
  --load DIR          the checkpoint to score (required)
  --summary FILE      write the result as JSON
  --top N             confused pairs to list (default 10)
  --backend tensorflow|wasm|cpu  (default: the fastest available)

Example:
  phonestream eval ../shared/corpus --load fixtures/checkpoint --summary eval.json`;

export const command: CliCommand = {
  name: 'eval',
  summary: 'score a saved model framewise on a labelled corpus',
  help: HELP,
  async run(argv) {
    const { values, positionals } = parseOptions('eval', argv, {
      load: { type: 'string' },
      summary: { type: 'string' },
      top: { type: 'string' },
      backend: { type: 'string' },
    });
    if (typeof values.load !== 'string') throw new ConfigError('eval: --load DIR is required (the checkpoint to score)');
    const top = numberOption('top', values.top, { min: 1, max: 1000, integer: true }) ?? 10;
    const backend = choiceOption('backend', values.backend, ['tensorflow', 'wasm', 'cpu'] as const) as BackendName | undefined;
    await checkOutputPaths('eval', [['summary', values.summary, 'file']]);
    const onProblem = (p: CorpusProblem) => process.stderr.write(`skipped ${p.file}: ${p.message}\n`);
    const listed = await listCorpora(positionals, onProblem);
    // TensorFlow.js loads only now (seconds), so a mistyped option or path is reported at once
    const [{ selectBackend }, { loadCheckpoint }, { scoreCorpus }] = await Promise.all([
      import('../../learner/select-backend.ts'),
      import('../../checkpoint/load-checkpoint.ts'),
      import('../../../pipelines/evaluate-corpus.ts'),
    ]);
    const selection = await selectBackend(backend);
    const { learner, features, stats } = await loadCheckpoint(values.load, { trainable: false });
    try {
      const entries = await assertCorpusPhones(listed, learner.config.phones, onProblem, positionals.join(', '));
      const started = performance.now();
      const { counts, agreement } = await lastValueFrom(
        scoreCorpus({ entries, learner, features: { ...features, normalization: { kind: 'fixed', stats: stats.toJSON() } }, onProblem, onWarning: warnOnce() }),
      );
      const seconds = (performance.now() - started) / 1000;
      const isTimit = learner.config.phones.every((p) => (PHONE_SETS.timit61 as readonly string[]).includes(p)) && learner.config.phones.length > 45;
      const folded = isTimit ? counts.folded(foldTimit39) : null;
      const result = {
        files: entries.length,
        frames: counts.frames,
        accuracy: counts.accuracy(),
        /** Cohen's kappa: accuracy corrected for chance agreement (on the model's phone set). */
        kappa: agreement.kappa(),
        /** Kappa-Temporal: accuracy measured against the no-change classifier (≤ 0: no better). */
        kappaTemporal: agreement.kappaTemporal(),
        /** Accuracy of repeating the previous frame's true label (each utterance's first frame a miss). */
        noChangeAccuracy: agreement.noChangeAccuracy(),
        phoneSet: learner.config.phones.length,
        folded39: folded && { frames: folded.frames, accuracy: folded.accuracy(), topConfusions: folded.topConfusions(top) },
        topConfusions: counts.topConfusions(top),
        seconds,
        backend: selection.backend,
      };
      process.stdout.write(formatResult(result, counts, agreement, folded));
      if (typeof values.summary === 'string') await writeFile(values.summary, JSON.stringify(result, null, 2) + '\n');
      return 0;
    } finally {
      learner.dispose();
    }
  },
};

const pct = (x: number | null) => (x === null ? 'n/a' : `${(100 * x).toFixed(1)}%`);

function formatResult(
  r: { files: number; phoneSet: number; seconds: number },
  counts: ConfusionCounts,
  agreement: TemporalAgreement,
  folded: ConfusionCounts | null,
): string {
  const pairs = (c: ConfusionCounts) =>
    c.topConfusions(10).map(([t, p, n]) => `  ${t.padEnd(5)} → ${p.padEnd(5)} ${String(n).padStart(6)} frames (${pct(n / c.frames)})`);
  const lines = [
    `eval: ${r.files} files, ${counts.frames} frames in ${r.seconds.toFixed(1)} s`,
    `framewise accuracy: ${pct(counts.accuracy())} on the model's ${r.phoneSet} phones ` +
      formatAgreement(agreement.kappa(), agreement.kappaTemporal(), agreement.noChangeAccuracy()),
  ];
  if (folded) lines.push(`framewise accuracy folded to 39: ${pct(folded.accuracy())}`);
  lines.push('most confused (reference → predicted):', ...pairs(folded ?? counts));
  return lines.join('\n') + '\n';
}
