import { writeFile } from 'node:fs/promises';
import { lastValueFrom } from 'rxjs';
import type { CorpusProblem } from '../corpus/corpus-entry.ts';
import type { FeatureConfig } from '../features/feature-config.ts';
import type { LearnerConfig } from '../learner/learner-config.ts';
import type { BackendName } from '../learner/select-backend.ts';
import { formatAgreement } from './format-agreement.ts';
import type { CombineRule } from '../cluster/average-params.ts';

/** What `replay CORPUS --nats URL` needs, as parsed by the replay command. */
export interface DistributedReplayOptions {
  nats: string;
  corpus: string[];
  workers: number;
  averageEvery: number;
  combine: CombineRule;
  roundTimeoutMs: number;
  joinTimeoutMs: number;
  heldOutFraction: number;
  splitSeed: number;
  orderSeed: number | null;
  epochs: number;
  learner: Partial<LearnerConfig>;
  features: FeatureConfig;
  backend?: BackendName;
  /** Feature threads per trainer. */
  threads: number;
  summary?: string;
  quiet: boolean;
}

/**
 * `replay --nats`: the coordinator of a distributed replay (coordinateTraining), then the held-out
 * files scored here with the final averaged model, normalised with the trainers' merged
 * statistics, and the summary printed (and written with --summary) in replay's fields plus the
 * cluster's (job, trainers, rounds, averaging rule, the checkpoint published as `latest`).
 * frames/s is the training frames of all trainers over the time from the job's announcement to
 * its last round (scoring excluded, as replay's curve does).
 */
export async function runDistributedReplay(o: DistributedReplayOptions): Promise<number> {
  const [{ selectBackend }, { coordinateTraining }, { scoreCorpus }] = await Promise.all([
    import('../learner/select-backend.ts'),
    import('../cluster/coordinate-training.ts'),
    import('../../pipelines/evaluate-corpus.ts'),
  ]);
  const { backend } = await selectBackend(o.backend);
  const problems: CorpusProblem[] = [];
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const result = await coordinateTraining({
    nats: o.nats, corpus: o.corpus, heldOutFraction: o.heldOutFraction, splitSeed: o.splitSeed, orderSeed: o.orderSeed, epochs: o.epochs,
    learner: o.learner, features: o.features, workers: o.workers, averageEvery: o.averageEvery, combine: o.combine, roundTimeoutMs: o.roundTimeoutMs,
    joinTimeoutMs: o.joinTimeoutMs, threads: o.threads,
    onProblem: (p) => {
      problems.push(p);
      log(`skipped ${p.file}: ${p.message}`);
    },
    log,
    onRound: o.quiet ? undefined : (p) => log(`round ${p.round}: ${p.frames} frames, ${p.utterances} utterances, ${p.done}/${p.workers} shards done, prequential accuracy ${pct(p.accuracy)}, loss ${p.loss?.toFixed(3) ?? 'n/a'}, average ${p.hash.slice(0, 12)}`),
  });
  try {
    const score = result.heldOut.length === 0
      ? null
      : await lastValueFrom(scoreCorpus({ entries: result.heldOut, learner: result.learner, features: { ...result.features, normalization: { kind: 'fixed', stats: result.stats.toJSON() } }, stream: 'held-out' }));
    const c = result.learner.config;
    const fps = result.seconds > 0 ? result.last.frames / result.seconds : 0;
    const summary = {
      frames: result.last.frames,
      utterances: result.last.utterances,
      pass1PrequentialAccuracy: o.epochs === 1 ? result.last.accuracy : null,
      heldOutAccuracy: score?.counts.accuracy() ?? null,
      heldOutKappa: score?.agreement.kappa() ?? null,
      heldOutKappaTemporal: score?.agreement.kappaTemporal() ?? null,
      heldOutNoChangeAccuracy: score?.agreement.noChangeAccuracy() ?? null,
      heldOutFrames: score?.counts.frames ?? 0,
      loss: result.last.loss,
      updates: result.updates,
      updatesPerSecond: result.seconds > 0 ? result.updates / result.seconds : 0,
      framesPerSecond: fps,
      realTimeFactor: fps / 100,
      seconds: result.seconds,
      backend,
      threads: o.threads,
      heldOutFiles: result.heldOut.length,
      trainFiles: result.train.length,
      orderSeed: o.orderSeed,
      trainOrder: result.train.map((e) => e.id),
      skippedFiles: problems.length,
      interrupted: false,
      heldOutTopConfusions: score?.counts.topConfusions(10) ?? [],
      config: { ...c, k1: finiteOrNull(c.k1), k2: finiteOrNull(c.k2), trainable: true },
      cluster: {
        job: result.job,
        workers: o.workers,
        trainers: result.trainers,
        averageEvery: o.averageEvery,
        rounds: result.last.round,
        perTrainer: result.perTrainer,
        combine: o.combine,
        averaging: o.combine === 'sum'
          ? 'the round\'s base plus every trainer\'s update since it, every averageEvery updates of each trainer; own optimiser state per trainer'
          : 'frame-weighted mean of the parameters every averageEvery updates of each trainer; own optimiser state per trainer',
        checkpoint: result.latest,
      },
    };
    process.stdout.write(
      [
        `replay over ${o.workers} trainer(s) (${result.trainers.join(', ')}), job ${result.job}: ${summary.utterances} utterances, ${summary.frames} frames in ${summary.seconds.toFixed(1)} s ` +
          `(${Math.round(fps)} frames/s, ${summary.realTimeFactor.toFixed(1)}x real time) on ${backend}, ${result.last.round} ${o.combine} rounds every ${o.averageEvery} updates`,
        `model: LSTM ${c.layers}x${c.hiddenSize}, ${c.phones.length} phones, ${c.preset} k1=${c.k1} k2=${c.k2} delay=${c.delay}, ${c.optimizer} lr=${c.lr}`,
        `prequential accuracy ${pct(result.last.accuracy)} (frame-weighted over the trainers), held-out accuracy ${pct(summary.heldOutAccuracy)} ` +
          (score === null ? '' : `${formatAgreement(summary.heldOutKappa, summary.heldOutKappaTemporal, summary.heldOutNoChangeAccuracy)} `) +
          `(${summary.heldOutFrames} frames, ${summary.heldOutFiles} files)`,
        `mean training loss ${summary.loss === null ? 'n/a' : summary.loss.toFixed(3)}`,
        `checkpoint ${result.latest.name} in the object store, announced as latest (sha256 ${result.latest.sha256.slice(0, 12)})`,
        ...(problems.length > 0 ? [`${problems.length} file(s) skipped (see above)`] : []),
      ].join('\n') + '\n',
    );
    if (o.summary !== undefined) await writeFile(o.summary, JSON.stringify(summary, null, 2) + '\n');
    return 0;
  } finally {
    result.learner.dispose();
  }
}

const finiteOrNull = (x: number) => (Number.isFinite(x) ? x : null);
const pct = (x: number | null) => (x === null ? 'n/a' : `${(100 * x).toFixed(1)}%`);
