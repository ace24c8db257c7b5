import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { cpus, platform, release } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError } from '../errors.ts';
import type { CeilingsReport } from './ceilings-report.ts';
import { listCorpora } from '../cli/list-corpora.ts';
import { splitByFile } from '../corpus/split-by-file.ts';
import { chooseLr } from './choose-lr.ts';
import { estimateRunSeconds } from './estimate-run-seconds.ts';
import { linkTrainingCorpus } from './link-training-corpus.ts';
import { renderStudy } from './render-study.ts';
import { runReplay } from './run-replay.ts';
import { STUDY_GRID, type StudyPoint } from './study-grid.ts';
import { STUDY_SPLIT } from './study-split.ts';
import type { StudyPointOutcome, StudyResults, StudyRun } from './study-results.ts';
import { writeStudyPlots } from './write-study-plots.ts';

export interface StudyOptions {
  corpora: string[];
  /** OUT: results.json, study.md, plots/ (the SVGs study.md shows), ceilings.json (read if there), train/ (the linked training files), runs/ (each replay's summary). */
  out: string;
  budgetMinutes: number;
  /** Final runs per point, seeds 1..N (--seed s --order-seed s). */
  seeds: number;
  /** Default: {@link STUDY_GRID}. */
  grid?: readonly StudyPoint[];
  /** Options added to every replay (e.g. ['--hidden', '8']). */
  replayArgs?: string[];
  /** Passes each final run makes (default 3); validation runs make one. */
  passes?: number;
  /** Where final runs are also scored part-way through a pass, in passes (default 0.25 and 0.5). */
  scoreAt?: readonly number[];
  /**
   * Continue from OUT/results.json: its runs are kept and not repeated, the budget is this
   * invocation's, and a point the earlier run skipped or cut short is taken up again. The results
   * must be of the same corpora, seeds, passes and replay options (else a ConfigError).
   */
  resume?: boolean;
  /** A line per run and per skipped point (default: none). */
  log?: (line: string) => void;
}

/**
 * OUT/results.json of an earlier run, to resume: a ConfigError if it is missing, unreadable or of
 * another setup (its runs would not be comparable with the new ones).
 */
async function readEarlierResults(path: string, setup: Pick<StudyResults, 'corpora' | 'seeds' | 'replayArgs' | 'passes'>): Promise<StudyResults> {
  const earlier = await readResultsFile(path, 'study --resume', 'run without --resume to start afresh');
  for (const key of ['corpora', 'seeds', 'replayArgs', 'passes'] as const) {
    if (JSON.stringify(earlier[key]) !== JSON.stringify(setup[key])) {
      throw new ConfigError(`study --resume: ${path} has ${key} ${JSON.stringify(earlier[key])}, this run ${JSON.stringify(setup[key])}; resume with the same setup or start afresh without --resume`);
    }
  }
  return { ...earlier, sessions: earlier.sessions ?? [] };
}

/** A results.json parsed, or a ConfigError naming it, prefixed by `context` and ending with `hint`. */
async function readResultsFile(path: string, context: string, hint: string): Promise<StudyResults> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as StudyResults;
  } catch (err) {
    throw new ConfigError(`${context}: cannot read ${path} (${err instanceof Error ? err.message : String(err)}); ${hint}`);
  }
}

/**
 * OUT/ceilings.json (`phonestream ceilings`), for study.md's offline ceilings: undefined when there
 * is none, a ConfigError naming the file when it cannot be read or is not a ceilings report.
 */
export async function readCeilings(path: string): Promise<CeilingsReport | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConfigError(`study: cannot read ${path} (${err instanceof Error ? err.message : String(err)})`);
  }
  let report: CeilingsReport;
  try {
    report = JSON.parse(text) as CeilingsReport;
  } catch (err) {
    throw new ConfigError(`study: ${path} is not JSON (${err instanceof Error ? err.message : String(err)}); rerun \`phonestream ceilings\` or remove it`);
  }
  if (typeof report?.tfjs?.lstm?.heldOutAccuracy !== 'number' || typeof report?.tfjs?.blstm?.heldOutAccuracy !== 'number') {
    throw new ConfigError(`study: ${path} is not a ceilings report (no tfjs.lstm and tfjs.blstm held-out accuracies); rerun \`phonestream ceilings\` or remove it`);
  }
  return report;
}

/** The study's fixed held-out split (replay's defaults) and the validation split of the training files. */
const SPLIT = STUDY_SPLIT;

/**
 * Runs the study: for each point in priority order, its learning rate is chosen on a validation
 * part of the training files (OUT/train, replayed with its own split), then it is trained at that
 * rate with seeds 1..N on the full training files and scored on the held-out ones. Every run is a
 * `phonestream replay` child process, one at a time. A run starts only if the budget is not spent
 * and its estimated cost (see estimateRunSeconds) fits in what is left, and a point only if all its
 * runs are expected to fit, so the budget is exceeded by at most the one run that overran it.
 * OUT/results.json is rewritten after every run (a crash keeps what was done); at the end OUT/plots
 * (writeStudyPlots) and OUT/study.md, with the offline ceilings of OUT/ceilings.json if there is one.
 *
 * ## Example
 * ```ts
 * const results = await runStudy({ corpora: ['../shared/corpus'], out: 'docs/study', budgetMinutes: 20, seeds: 3 });
 * ```
 */
export async function runStudy(o: StudyOptions): Promise<StudyResults> {
  const grid = [...(o.grid ?? STUDY_GRID)];
  const replayArgs = o.replayArgs ?? [];
  const passes = o.passes ?? 3;
  const scoreAt = (o.scoreAt ?? [0.25, 0.5]).filter((p) => p < passes);
  const log = o.log ?? (() => {});
  const budgetSeconds = 60 * o.budgetMinutes;
  const out = resolve(o.out);
  await mkdir(join(out, 'runs'), { recursive: true });
  const startedAt = new Date();
  const t0 = performance.now();
  const elapsed = () => (performance.now() - t0) / 1000;
  const earlier = o.resume ? await readEarlierResults(join(out, 'results.json'), { corpora: o.corpora, seeds: o.seeds, replayArgs, passes }) : undefined;
  /** An earlier run of the same point (same options), role, rate and seed: kept, not repeated. */
  const earlierRun = (point: StudyPoint, role: StudyRun['role'], lr: number, seed: number): StudyRun | undefined => {
    const before = earlier?.grid.find((p) => p.name === point.name);
    if (before === undefined || before.args.join(' ') !== point.args.join(' ')) return undefined;
    return earlier!.runs.find((r) => r.point === point.name && r.role === role && r.lr === lr && r.seed === seed && r.figures !== null);
  };
  const secondsBefore = earlier?.studySeconds ?? 0;
  // A broken OUT/ceilings.json fails now, not after the runs (it is read again at the end: the ceilings may be trained meanwhile).
  await readCeilings(join(out, 'ceilings.json'));

  const trainRoots = await linkTrainingCorpus(o.corpora, join(out, 'train'), SPLIT.heldOut, SPLIT.splitSeed);
  // Files each role trains on, for the cost estimates.
  const quiet = () => {};
  const finalFiles = splitByFile(await listCorpora(o.corpora, quiet), SPLIT.heldOut, SPLIT.splitSeed).train.length;
  const validationFiles = splitByFile(await listCorpora(trainRoots, quiet), SPLIT.validationHeldOut, SPLIT.validationSplitSeed).train.length;

  const cpu = cpus();
  const results: StudyResults = {
    corpora: o.corpora,
    budgetMinutes: o.budgetMinutes,
    seeds: o.seeds,
    replayArgs,
    split: { ...SPLIT },
    machine: { cpu: cpu[0]?.model.trim() ?? 'unknown', cores: cpu.length, platform: `${platform()} ${release()}`, node: process.version },
    startedAt: earlier?.startedAt ?? startedAt.toISOString(),
    finishedAt: startedAt.toISOString(),
    studySeconds: secondsBefore,
    grid,
    points: [],
    runs: [],
    passes,
    scoreAt,
    sessions: [...(earlier?.sessions ?? []), { startedAt: startedAt.toISOString(), seconds: 0, budgetMinutes: o.budgetMinutes }],
    // Hand-written: a resume must not lose them (whether they still hold is for their writer to check).
    ...(earlier?.conclusions !== undefined && { conclusions: earlier.conclusions }),
  };
  const done: { kind: string; run: StudyRun }[] = [];
  const save = async () => {
    results.finishedAt = new Date().toISOString();
    const seconds = elapsed();
    results.studySeconds = secondsBefore + seconds;
    results.sessions.at(-1)!.seconds = seconds;
    await writeFile(join(out, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  };
  /** undefined if it fits (or nothing is known yet), else why not. */
  const overBudget = (estimate: number | undefined): string | undefined => {
    if (elapsed() >= budgetSeconds) return `budget spent (${elapsed().toFixed(0)} s of ${budgetSeconds.toFixed(0)} s)`;
    if (estimate !== undefined && elapsed() + estimate > budgetSeconds) {
      return `estimated ${estimate.toFixed(0)} s, ${Math.max(0, budgetSeconds - elapsed()).toFixed(0)} s of the budget left`;
    }
    return undefined;
  };

  for (const point of grid) {
    const validate = point.lrs.length > 1;
    // Utterances trained: a final run makes `passes` passes over its files.
    const perRun = (utterances: number) => estimateRunSeconds(done, point.kind, utterances);
    const kept = (role: StudyRun['role'], lrs: readonly number[], seeds: number) => lrs.flatMap((lr) => Array.from({ length: seeds }, (_, i) => earlierRun(point, role, lr, role === 'validation' ? 1 : i + 1))).filter((r) => r !== undefined).length;
    const [v, f] = [perRun(validationFiles), perRun(passes * finalFiles)];
    // Nothing measured yet (the first point, or every run so far failed): nothing to refuse on.
    // Runs kept from an earlier invocation cost nothing (the final ones: counted at the first rate).
    const pointEstimate =
      v === undefined || f === undefined
        ? undefined
        : (validate ? (point.lrs.length - kept('validation', point.lrs, 1)) * v : 0) + Math.max(0, o.seeds - kept('final', point.lrs.slice(0, 1), o.seeds)) * f;
    // A point with runs kept from an earlier invocation is never dropped for the budget: its kept
    // runs go in (attempt takes them without asking the budget) and only new runs are refused.
    const hasKept = kept('validation', point.lrs, 1) + kept('final', point.lrs, o.seeds) > 0;
    const refused = overBudget(pointEstimate);
    if (refused !== undefined && !hasKept) {
      results.points.push({ name: point.name, status: 'skipped', chosenLr: null, reason: refused });
      log(`${point.name}: skipped (${refused})`);
      continue;
    }
    const outcome: StudyPointOutcome = { name: point.name, status: 'done', chosenLr: null };
    results.points.push(outcome);
    /** Runs one replay unless the budget refuses it; false when refused. */
    const attempt = async (role: StudyRun['role'], lr: number, seed: number): Promise<boolean> => {
      const kept = earlierRun(point, role, lr, seed);
      if (kept !== undefined) {
        results.runs.push(kept);
        done.push({ kind: point.kind, run: kept });
        log(`${point.name} ${role} lr ${lr} seed ${seed}: kept from the earlier run`);
        return true;
      }
      const utterances = role === 'validation' ? validationFiles : passes * finalFiles;
      const why = overBudget(perRun(utterances));
      if (why !== undefined) {
        outcome.status = 'partial';
        outcome.reason = why;
        log(`${point.name}: cut short before ${role} lr ${lr} seed ${seed} (${why})`);
        return false;
      }
      const split =
        role === 'validation'
          ? [...trainRoots, '--held-out', `${SPLIT.validationHeldOut}`, '--split-seed', `${SPLIT.validationSplitSeed}`]
          : [...o.corpora, '--held-out', `${SPLIT.heldOut}`, '--split-seed', `${SPLIT.splitSeed}`];
      const schedule = role === 'validation' ? ['--epochs', '1'] : ['--epochs', `${passes}`, ...(scoreAt.length > 0 ? ['--score-at', scoreAt.join(',')] : [])];
      const args = [...split, ...schedule, ...point.args, ...replayArgs, '--lr', `${lr}`, '--seed', `${seed}`, '--order-seed', `${seed}`];
      const summaryPath = join(out, 'runs', `${point.name}-${role}-lr${lr}-seed${seed}.json`);
      const r = await runReplay(args, summaryPath);
      const run: StudyRun = { point: point.name, role, seed, lr, wallSeconds: r.wallSeconds, figures: r.figures, ...(r.error !== undefined && { error: r.error }) };
      results.runs.push(run);
      done.push({ kind: point.kind, run });
      await save();
      const acc = r.figures?.heldOutAccuracy;
      log(`${point.name} ${role} lr ${lr} seed ${seed}: ${r.figures === null ? `failed (${r.error})` : `held-out ${acc === null || acc === undefined ? 'n/a' : `${(100 * acc).toFixed(1)}%`}`} in ${r.wallSeconds.toFixed(1)} s`);
      return true;
    };

    let cut = false;
    for (const lr of validate ? point.lrs : []) {
      if (!(await attempt('validation', lr, 1))) {
        cut = true;
        break;
      }
    }
    if (cut) {
      outcome.status = results.runs.some((r) => r.point === point.name) ? 'partial' : 'skipped';
      continue;
    }
    outcome.chosenLr = validate ? chooseLr(results.runs.filter((r) => r.point === point.name && r.role === 'validation')) ?? point.lrs[0] : point.lrs[0];
    let refusedFinal = false;
    for (let seed = 1; seed <= o.seeds; seed++) {
      if (refusedFinal) {
        // Later seeds kept from an earlier invocation still count; nothing new is run.
        const k = earlierRun(point, 'final', outcome.chosenLr, seed);
        if (k !== undefined) {
          results.runs.push(k);
          done.push({ kind: point.kind, run: k });
        }
        continue;
      }
      if (!(await attempt('final', outcome.chosenLr, seed))) refusedFinal = true;
    }
  }
  await save();
  await writeStudyReport(results, out);
  return results;
}

/** OUT/plots and OUT/study.md from the results and OUT/ceilings.json (if there is one). */
async function writeStudyReport(results: StudyResults, out: string): Promise<void> {
  const ceilings = await readCeilings(join(out, 'ceilings.json'));
  await writeStudyPlots(results, out);
  await writeFile(join(out, 'study.md'), renderStudy(results, ceilings));
}

/**
 * Rewrites OUT/study.md and OUT/plots from OUT/results.json and OUT/ceilings.json without running
 * anything: after the conclusions were written into results.json, or the ceilings copied in.
 * A ConfigError names OUT/results.json when it is missing or not a study's results.
 *
 * ## Example
 * ```ts
 * await renderStudyFiles('docs/study');
 * ```
 */
export async function renderStudyFiles(outDir: string): Promise<StudyResults> {
  const out = resolve(outDir);
  const path = join(out, 'results.json');
  const results = await readResultsFile(path, 'study --render', 'run the study first');
  if (!Array.isArray(results?.runs) || !Array.isArray(results?.points) || !Array.isArray(results?.grid)) {
    throw new ConfigError(`study --render: ${path} is not a study's results (expected runs, points and grid arrays)`);
  }
  if (results.conclusions !== undefined && !(Array.isArray(results.conclusions) && results.conclusions.every((c) => typeof c === 'string'))) {
    throw new ConfigError(`study --render: ${path} field conclusions must be an array of strings (one per paragraph)`);
  }
  await writeStudyReport(results, out);
  return results;
}
