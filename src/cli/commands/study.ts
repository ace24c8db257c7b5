import { InputError } from '../../errors.ts';
import type { CliCommand } from '../cli-command.ts';
import { checkOutputPaths } from '../check-output-path.ts';
import { numberOption, parseOptions } from '../parse-options.ts';

const HELP = `Usage: phonestream study CORPUS... [options] [-- REPLAY OPTIONS]

Answers "when to backpropagate and update" with evidence: every point of the study grid
(src/study/study-grid.ts: framewise, full BPTT, TBPTT(k1, k2), k2 < k1 under both truncations,
target delays, snap1/eprop/uoro, then a search for the best causal learner) is replayed. Each
point's learning rate is chosen on a validation part of the TRAINING files (linked into OUT/train,
split --held-out 0.16 --split-seed 2) after one pass, then the point is trained at that rate with
seeds 1..N (--seed s --order-seed s) for --passes passes and scored on the held-out files
(--held-out 0.1 --split-seed 1) after 1/4 and 1/2 of pass 1 and after every pass. The runs are replay child
processes, one at a time, in the grid's order until the budget would be exceeded (each run's
cost estimated from the frames/s of the runs so far); the points left are recorded as skipped.

Writes OUT/results.json (every run: point, role, seed, lr, figures, wall seconds; rewritten after
each run) and OUT/study.md (mean ± sd over seeds per point, rendered from results.json).

Options:
  --budget MINUTES    wall-clock budget (default 20); exceeded by at most one run
  --out DIR           output directory (default study)
  --seeds N           final runs per point (default 3)
  --passes N          passes of each final run (default 3)
  --resume            continue from OUT/results.json: its runs are kept, the points it skipped or
                      cut short are taken up, the budget is this invocation's (same corpora, seeds,
                      passes and replay options, else an error)
  --render            run nothing: rewrite OUT/study.md and OUT/plots from OUT/results.json and
                      OUT/ceilings.json (after writing the conclusions into results.json's
                      "conclusions", one string per paragraph, or copying in the ceilings)
  --quiet             no line per run on stderr
  -- OPTIONS          replay options added to every run (e.g. -- --hidden 64 --threads 2)

Example:
  phonestream study ../shared/corpus --budget 20 --out docs/study`;

export const command: CliCommand = {
  name: 'study',
  summary: 'replay a grid of update schedules within a time budget and report mean ± sd over seeds',
  help: HELP,
  async run(argv) {
    // What follows "--" goes to every replay untouched.
    const dashes = argv.indexOf('--');
    const own = dashes >= 0 ? argv.slice(0, dashes) : argv;
    const replayArgs = dashes >= 0 ? argv.slice(dashes + 1) : [];
    const { values, positionals } = parseOptions('study', own, {
      budget: { type: 'string' },
      out: { type: 'string' },
      seeds: { type: 'string' },
      passes: { type: 'string' },
      resume: { type: 'boolean' },
      render: { type: 'boolean' },
      quiet: { type: 'boolean' },
    });
    const out = typeof values.out === 'string' ? values.out : 'study';
    if (values.render === true) {
      if (positionals.length > 0 || values.resume === true || values.budget !== undefined || replayArgs.length > 0) {
        throw new InputError('arguments', '--render takes only --out DIR (it runs nothing)');
      }
      const { renderStudyFiles } = await import('../../study/run-study.ts');
      const results = await renderStudyFiles(out);
      process.stdout.write(`study: rendered ${out}/study.md and ${out}/plots from ${results.runs.length} runs\n`);
      return 0;
    }
    const budgetMinutes = numberOption('budget', values.budget, { min: 0, max: 100000 }) ?? 20;
    const seeds = numberOption('seeds', values.seeds, { min: 1, max: 1000, integer: true }) ?? 3;
    const passes = numberOption('passes', values.passes, { min: 1, max: 100, integer: true }) ?? 3;
    if (positionals.length === 0) {
      throw new InputError('arguments', 'expected at least one corpus directory');
    }
    await checkOutputPaths('study', [['out', out, 'dir']]);
    const { runStudy } = await import('../../study/run-study.ts');
    const results = await runStudy({
      corpora: positionals,
      out,
      budgetMinutes,
      seeds,
      replayArgs,
      passes,
      resume: values.resume === true,
      log: values.quiet ? undefined : (line) => process.stderr.write(`${line}\n`),
    });
    const skipped = results.points.filter((p) => p.status === 'skipped').length;
    process.stdout.write(
      `study: ${results.runs.length} runs, ${results.points.length - skipped} of ${results.grid.length} points in ${(results.studySeconds / 60).toFixed(1)} min; ` +
        `wrote ${out}/results.json and ${out}/study.md\n`,
    );
    return results.runs.some((r) => r.figures === null) ? 1 : 0;
  },
};
