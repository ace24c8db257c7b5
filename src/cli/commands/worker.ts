import { ConfigError } from '../../errors.ts';
import type { BackendName } from '../../learner/select-backend.ts';
import type { CliCommand } from '../cli-command.ts';
import { choiceOption, numberOption, parseOptions } from '../parse-options.ts';
import { waitForSignal } from '../wait-for-signal.ts';

const HELP = `Usage: phonestream worker --nats URL [options]

A worker of a phonestream cluster (docs/scale-out.md): it holds a share of the stream partitions
(leases in a NATS KV bucket) and predicts the live streams of those partitions, reading their
audio from JetStream and publishing their messages for the gateways. Start as many as you like,
on as many machines: they spread the partitions between them, and when one dies the others take
its partitions over within seconds, replaying its live streams' audio so that no frame is lost.
Workers only predict (the model is frozen), and hot-reload the model a distributed replay
announces (see --fixed-model).

Options:
  --nats URL          NATS server(s) with JetStream, e.g. nats://127.0.0.1:4222 (required)
  --load DIR          the model (default: the bundled checkpoint)
  --partitions N      partitions of the cluster (default 16; every gateway and worker must agree)
  --id NAME           the worker's id (default: w + 8 random hex digits)
  --fixed-model       do not hot-reload the model the cluster announces as latest (by default the
                      newest checkpoint of a distributed replay replaces the model between frames,
                      if its shape, phone set and features match; a mismatch is refused loudly)
  --backend tensorflow|wasm|cpu  (default: the fastest available)

Example:
  nats-server -a 127.0.0.1 -p 4222 -js -sd /tmp/nats &
  phonestream worker --nats nats://127.0.0.1:4222 &
  phonestream gateway --nats nats://127.0.0.1:4222 --port 8080`;

export const command: CliCommand = {
  name: 'worker',
  summary: 'predict the streams of a share of a NATS cluster\'s partitions',
  help: HELP,
  async run(argv) {
    const { values } = parseOptions('worker', argv, {
      nats: { type: 'string' },
      load: { type: 'string' },
      partitions: { type: 'string' },
      id: { type: 'string' },
      backend: { type: 'string' },
      'fixed-model': { type: 'boolean' },
    });
    if (typeof values.nats !== 'string') throw new ConfigError('worker: --nats URL is required (a nats-server with JetStream)');
    const partitions = numberOption('partitions', values.partitions, { min: 1, max: 1024, integer: true }) ?? 16;
    const backendName = choiceOption('backend', values.backend, ['tensorflow', 'wasm', 'cpu'] as const) as BackendName | undefined;
    const id = typeof values.id === 'string' ? values.id : undefined;
    if (id !== undefined && !/^[A-Za-z0-9_-]{1,64}$/.test(id)) throw new ConfigError(`--id must be letters, digits, '-' or '_' (at most 64), got ${JSON.stringify(id)}`);
    const log = (line: string) => process.stderr.write(`${line}\n`);

    const [{ selectBackend }, { loadCheckpoint }, { livePrior }, { startWorker }, { BUNDLED_CHECKPOINT }] = await Promise.all([
      import('../../learner/select-backend.ts'),
      import('../../checkpoint/load-checkpoint.ts'),
      import('../../features/live-prior.ts'),
      import('../../cluster/start-worker.ts'),
      import('./serve.ts'),
    ]);
    await selectBackend(backendName);
    const dir = typeof values.load === 'string' ? values.load : BUNDLED_CHECKPOINT;
    const { learner, features, stats } = await loadCheckpoint(dir, { trainable: false });
    try {
      const worker = await startWorker({ nats: values.nats, learner, featureConfig: features, normalizationPrior: livePrior(stats), partitions, id, log, followLatest: values['fixed-model'] !== true });
      log(`phonestream worker ${worker.id}: model ${dir}, ${partitions} partitions, NATS ${values.nats}`);
      await waitForSignal();
      log(`worker ${worker.id}: stopping (its partitions go to the other workers)`);
      await worker.close();
    } finally {
      learner.dispose();
    }
    return 0;
  },
};
