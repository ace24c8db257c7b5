import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { filter } from 'rxjs';
import { loadCheckpoint } from '../../checkpoint/load-checkpoint.ts';
import { ConfigError } from '../../errors.ts';
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
import { startLiveMicrophone } from '../../../pipelines/live-microphone.ts';
import { replayCorpus } from '../../../pipelines/replay-corpus.ts';
import type { CliCommand } from '../cli-command.ts';
import { discoverCorpusPhones } from '../discover-corpus-phones.ts';
import { LEARNER_OPTION_SPECS, LEARNER_OPTIONS_HELP, learnerOptionsFrom, loadOverridesFrom } from '../learner-options.ts';
import { listCorpora } from '../list-corpora.ts';
import { choiceOption, numberOption, parseOptions } from '../parse-options.ts';

/** The pretrained checkpoint shipped with the package, loaded when no --load is given. */
export const BUNDLED_CHECKPOINT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../fixtures/checkpoint');

const HELP = `Usage: phonestream serve [options]

Serves the live microphone page at http://HOST:PORT/ and the prediction WebSocket at
ws://HOST:PORT/ws (protocol: docs/protocol.md). Browsers and scripts stream audio in and get
phone labels back; consumers that send nothing receive every stream. Optionally replays a
corpus in real time while serving, training the shared model on it (stream "replay").

Options:
  --port N            TCP port (default 8080; 0 picks a free one)
  --host HOST         interface (default 127.0.0.1)
  --load DIR          checkpoint to serve (default: the bundled fixtures/checkpoint, if present)
  --fresh             start from a new, untrained model instead of the bundled checkpoint
  --replay CORPUS     replay this corpus while serving (repeatable)
  --pace realtime|max replay pace (default realtime: 100 frames/s)
  --epochs N          replay passes (default: loop until stopped)
  --frozen            do not train at all (the replay and labelled producers only predict)
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

Example:
  phonestream serve --replay fixtures/corpus     # what npm start runs`;

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
      ({ learner, features, stats } = await loadCheckpoint(loadDir, { trainable: !frozen, ...loadOverridesFrom(learnerOptionsFrom(values)) }));
      log(`loaded ${loadDir} (${learner.config.phones.length} phones, LSTM ${learner.config.layers}x${learner.config.hiddenSize})`);
    } else {
      features = { ...DEFAULT_FEATURE_CONFIG };
      const phones = entries.length > 0 ? (await discoverCorpusPhones(entries, onProblem, replayRoots.join(', '))).phones : [...PHONE_SETS.arpabet];
      learner = new OnlineLearner({ ...learnerOptionsFrom(values), inputSize: featureDims(features), phones, trainable: !frozen });
      stats = new RunningStats(featureDims(features));
      log(`new untrained model (${phones.length} phones)`);
    }

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
      hello: () => ({ streams: entries.length > 0 ? ['replay'] : [] }),
    });
    log(`phonestream serving on ${backend}: open ${server.url} (WebSocket ${server.wsUrl})`);

    const replay =
      entries.length === 0
        ? undefined
        : replayCorpus({ train: entries, learner, features, epochs, pace, runningStats: stats, onProblem })
            .pipe(filter((ev): ev is LearnerEvent => ev.kind !== 'epoch' && ev.kind !== 'score'))
            .subscribe({
              next: (ev) => server.publish(ev),
              error: (err: Error) => log(`replay stopped: ${err.message}`),
            });
    if (replay) log(`replaying ${entries.length} utterances (${pace}, ${Number.isFinite(epochs) ? `${epochs} epochs` : 'looping'})`);

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
