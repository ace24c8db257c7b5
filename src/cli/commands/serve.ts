import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { filter } from 'rxjs';
import { loadCheckpoint } from '../../checkpoint/load-checkpoint.ts';
import { ConfigError } from '../../errors.ts';
import { PACKAGE_ROOT } from '../../package-root.ts';
import type { CorpusProblem } from '../../corpus/corpus-entry.ts';
import { DEFAULT_FEATURE_CONFIG, type FeatureConfig } from '../../features/feature-config.ts';
import { featureDims } from '../../features/feature-dims.ts';
import { RunningStats } from '../../features/running-stats.ts';
import { livePrior } from '../../features/live-prior.ts';
import { PHONE_SETS } from '../../labels/phone-sets.ts';
import type { LearnerEvent } from '../../learner/learner-event.ts';
import { OnlineLearner } from '../../learner/online-learner.ts';
import { selectBackend, type BackendName } from '../../learner/select-backend.ts';
import { buildPageAssets } from '../../server/page-assets.ts';
import type { ReplayAbout } from '../../browser/replay-about.ts';
import { startLiveMicrophone } from '../../../pipelines/live-microphone.ts';
import { replayCorpus } from '../../../pipelines/replay-corpus.ts';
import type { CliCommand } from '../cli-command.ts';
import { discoverCorpusPhones } from '../discover-corpus-phones.ts';
import { LEARNER_OPTION_SPECS, LEARNER_OPTIONS_HELP, learnerOptionsFrom, loadOptionWarnings, loadOverridesFrom } from '../learner-options.ts';
import { listCorpora } from '../list-corpora.ts';
import { choiceOption, numberOption, parseOptions } from '../parse-options.ts';

/** The pretrained checkpoint shipped with the package, loaded when no --load is given. */
export const BUNDLED_CHECKPOINT = fileURLToPath(new URL('fixtures/checkpoint', PACKAGE_ROOT));

/**
 * The fixture corpus `npm start` replays. Its six utterances were copied from the shared LJSpeech
 * corpus and all six are among the 155 training files the bundled checkpoint learned from (the
 * default split of `replay`, --held-out 0.1 --split-seed 1: fixtures/checkpoint/README.md), so the
 * bundled model's accuracy on them is a training score.
 */
const FIXTURE_CORPUS = fileURLToPath(new URL('fixtures/corpus', PACKAGE_ROOT));

function isInside(path: string, dir: string): boolean {
  const rel = relative(dir, resolve(path));
  return rel !== '' && !rel.startsWith('..') && !rel.startsWith(sep) && !rel.includes(`..${sep}`);
}

/** `heldOutAccuracy` from a checkpoint's summary.json (what `replay --summary` wrote), if there is one. */
function heldOutAccuracyOf(dir: string): number | undefined {
  try {
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as { heldOutAccuracy?: unknown };
    return typeof summary.heldOutAccuracy === 'number' ? summary.heldOutAccuracy : undefined;
  } catch {
    return undefined;
  }
}

const HELP = `Usage: phonestream serve [options]

Serves the live microphone page at http://HOST:PORT/ and the prediction WebSocket at
ws://HOST:PORT/ws (protocol: docs/protocol.md). Browsers and scripts stream audio in and get
phone labels back; consumers that send nothing receive every stream. Optionally replays a
corpus in real time while serving (stream "replay"): predicted only, so the page shows how the
served model does on it, or with --train also training the shared model on it.

Options:
  --port N            TCP port (default 8080; 0 picks a free one)
  --host HOST         interface (default 127.0.0.1)
  --load DIR          checkpoint to serve (default: the bundled fixtures/checkpoint, if present)
  --fresh             start from a new, untrained model instead of the bundled checkpoint
  --replay CORPUS     replay this corpus while serving (repeatable); predicted only, the model
                      does not learn from it unless --train
  --train             train the shared model on the replay (a looping replay is soon memorised:
                      from pass 2 on its accuracy is a training score, and the microphone is
                      served by that model)
  --pace realtime|max replay pace (default realtime: 100 frames/s)
  --epochs N          replay passes (default: loop until stopped)
  --frozen            do not train at all (labelled producers with learn: true only predict too);
                      not with --train
  --token TOKEN       producers and control messages must present it (default: env PHONESTREAM_TOKEN)
  --token-for-consumers  every connection, consumers too, must present the token as ?token=…
  --max-producers N   live streams at once; beyond it a start is refused, close 1013 (default 64)
  --threads N         threads in all (default 1): with N > 1, predicting live streams run on
                      N − 1 worker threads (features and inference), the main thread keeps the
                      sockets, the replay and training streams; a training model's weights reach
                      the workers every 100 ms
  --allow-origin URL  another browser origin allowed to connect (repeatable)
  --backend tensorflow|wasm|cpu  (default: the fastest available)
${LEARNER_OPTIONS_HELP}

Examples:
  phonestream serve --replay fixtures/corpus     # what npm start runs: the bundled model, not
                                                 # training, predicts the 6 fixture utterances
                                                 # (which it was trained on) for the page
  phonestream serve --fresh --replay fixtures/corpus --train   # watch a new model learn`;

export const command: CliCommand = {
  name: 'serve',
  summary: 'serve the live microphone page and the prediction WebSocket',
  help: HELP,
  async run(argv) {
    const { values } = parseOptions('serve', argv, {
      ...LEARNER_OPTION_SPECS,
      port: { type: 'string' },
      host: { type: 'string' },
      load: { type: 'string' },
      fresh: { type: 'boolean' },
      replay: { type: 'string', multiple: true },
      pace: { type: 'string' },
      epochs: { type: 'string' },
      frozen: { type: 'boolean' },
      train: { type: 'boolean' },
      token: { type: 'string' },
      'token-for-consumers': { type: 'boolean' },
      'max-producers': { type: 'string' },
      threads: { type: 'string' },
      'allow-origin': { type: 'string', multiple: true },
      backend: { type: 'string' },
    });
    const port = numberOption('port', values.port, { min: 0, max: 65535, integer: true }) ?? 8080;
    const host = typeof values.host === 'string' ? values.host : '127.0.0.1';
    const pace = choiceOption('pace', values.pace, ['max', 'realtime'] as const) ?? 'realtime';
    const epochs = numberOption('epochs', values.epochs, { min: 1, integer: true }) ?? Infinity;
    const backendName = choiceOption('backend', values.backend, ['tensorflow', 'wasm', 'cpu'] as const) as BackendName | undefined;
    const frozen = values.frozen === true;
    const train = values.train === true;
    if (frozen && train) throw new ConfigError('--train and --frozen contradict each other: give one');
    const maxProducers = numberOption('max-producers', values['max-producers'], { min: 1, integer: true }) ?? 64;
    const threads = numberOption('threads', values.threads, { min: 1, max: 256, integer: true }) ?? 1;
    const token = typeof values.token === 'string' ? values.token : process.env.PHONESTREAM_TOKEN || undefined;
    const requireTokenForConsumers = values['token-for-consumers'] === true;
    if (requireTokenForConsumers && token === undefined) {
      throw new ConfigError('--token-for-consumers needs a token: give --token TOKEN or set PHONESTREAM_TOKEN');
    }
    const replayRoots = (values.replay ?? []) as string[];
    const log = (line: string) => process.stderr.write(`${line}\n`);
    const onProblem = (p: CorpusProblem) => log(`skipped ${p.file}: ${p.message}`);

    const { backend } = await selectBackend(backendName);
    const entries = replayRoots.length > 0 ? await listCorpora(replayRoots, onProblem) : [];
    const loadDir = typeof values.load === 'string' ? values.load : !values.fresh && existsSync(join(BUNDLED_CHECKPOINT, 'model.json')) ? BUNDLED_CHECKPOINT : undefined;

    let learner: OnlineLearner;
    let features: FeatureConfig;
    let stats: RunningStats;
    if (loadDir !== undefined) {
      const learnerOptions = learnerOptionsFrom(values);
      const label = typeof values.load === 'string' ? `--load ${loadDir}` : `the bundled checkpoint ${loadDir}`;
      for (const line of loadOptionWarnings(learnerOptions, label)) log(`warning: ${line}`);
      ({ learner, features, stats } = await loadCheckpoint(loadDir, { trainable: !frozen, ...loadOverridesFrom(learnerOptions) }));
      log(`loaded ${loadDir} (${learner.config.phones.length} phones, LSTM ${learner.config.layers}x${learner.config.hiddenSize})`);
    } else {
      features = { ...DEFAULT_FEATURE_CONFIG };
      const phones = entries.length > 0 ? (await discoverCorpusPhones(entries, onProblem, replayRoots.join(', '))).phones : [...PHONE_SETS.arpabet];
      learner = new OnlineLearner({ ...learnerOptionsFrom(values), inputSize: featureDims(features), phones, trainable: !frozen });
      stats = new RunningStats(featureDims(features));
      log(`new untrained model (${phones.length} phones)`);
    }

    if (train && entries.length === 0) log('--train has nothing to train on without --replay');
    const model: ReplayAbout['model'] = loadDir === undefined ? 'fresh' : loadDir === BUNDLED_CHECKPOINT ? 'bundled' : 'loaded';
    const heldOutAccuracy = loadDir === undefined ? undefined : heldOutAccuracyOf(loadDir);
    const replayAbout: ReplayAbout | undefined =
      entries.length === 0
        ? undefined
        : {
            stream: 'replay',
            utterances: entries.length,
            epochs: Number.isFinite(epochs) ? epochs : null,
            learns: train,
            model,
            trainedOnReplay:
              model === 'fresh' ? false : model === 'bundled' && entries.every((e) => isInside(e.audioPath, FIXTURE_CORPUS)) ? true : null,
            ...(heldOutAccuracy !== undefined && { heldOutAccuracy }),
          };

    const server = await startLiveMicrophone({
      port,
      host,
      token,
      requireTokenForConsumers,
      maxProducers,
      allowOrigins: (values['allow-origin'] ?? []) as string[],
      assets: await buildPageAssets(),
      learner,
      featureConfig: features,
      normalizationPrior: livePrior(stats),
      threads,
      hello: () => ({ streams: entries.length > 0 ? ['replay'] : [], ...(replayAbout && { replay: replayAbout }) }),
    });
    log(`phonestream serving on ${backend}: open ${server.url} (WebSocket ${server.wsUrl})`);

    const replay =
      entries.length === 0
        ? undefined
        : replayCorpus({ train: entries, learner, features, epochs, pace, runningStats: stats, onProblem, learn: train })
            .pipe(filter((ev): ev is LearnerEvent => ev.kind !== 'epoch' && ev.kind !== 'score'))
            .subscribe({
              next: (ev) => server.publish(ev),
              error: (err: Error) => log(`replay stopped: ${err.message}`),
            });
    if (replay) {
      const how = train ? 'training the model on them' : 'predicted only, the model does not learn from them (--train to train)';
      log(`replaying ${entries.length} utterances (${pace}, ${Number.isFinite(epochs) ? `${epochs} epochs` : 'looping'}; ${how})`);
    }

    await new Promise<void>((done) => {
      const stop = () => done();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    log('stopping');
    replay?.unsubscribe();
    // Graceful: running streams are flushed (their producers get every prediction and `end`),
    // then every socket is closed with 1001 (going away); bounded by the server's closeTimeoutMs.
    await server.close();
    learner.dispose();
    return 0;
  },
};
