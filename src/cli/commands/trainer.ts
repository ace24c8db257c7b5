import { ConfigError } from '../../errors.ts';
import type { BackendName } from '../../learner/select-backend.ts';
import type { CliCommand } from '../cli-command.ts';
import { choiceOption, parseOptions } from '../parse-options.ts';
import { waitForSignal } from '../wait-for-signal.ts';

const HELP = `Usage: phonestream trainer --nats URL [options]

A trainer of a phonestream cluster (docs/scale-out.md, Training): it waits for a distributed
replay's job (\`phonestream replay CORPUS --nats URL --workers N\`), takes one of its N shards of
training files, learns online over them and joins an averaging round every M of its updates
(the job says M), publishing its weights on the PHONESTREAM_TRAIN stream and continuing from the
frame-weighted average of all N. It must read CORPUS at the same path as the coordinator. One job
at a time; after a job (done or failed, a failure logged loudly) it waits for the next.

Options:
  --nats URL          NATS server(s) with JetStream (required)
  --id NAME           the trainer's id (default: t + 8 random hex digits)
  --once              exit after one job (exit code 1 if it failed)
  --backend tensorflow|wasm|cpu  (default: the fastest available)

Example:
  phonestream trainer --nats nats://127.0.0.1:4222 &
  phonestream trainer --nats nats://127.0.0.1:4222 &
  phonestream replay ../shared/corpus --nats nats://127.0.0.1:4222 --workers 2 --average-every 50`;

export const command: CliCommand = {
  name: 'trainer',
  summary: 'train a shard of a distributed replay (replay --nats)',
  help: HELP,
  async run(argv) {
    const { values } = parseOptions('trainer', argv, {
      nats: { type: 'string' },
      id: { type: 'string' },
      once: { type: 'boolean' },
      backend: { type: 'string' },
    });
    if (typeof values.nats !== 'string') throw new ConfigError('trainer: --nats URL is required (a nats-server with JetStream)');
    const backendName = choiceOption('backend', values.backend, ['tensorflow', 'wasm', 'cpu'] as const) as BackendName | undefined;
    const id = typeof values.id === 'string' ? values.id : undefined;
    if (id !== undefined && !/^[A-Za-z0-9_-]{1,64}$/.test(id)) throw new ConfigError(`--id must be letters, digits, '-' or '_' (at most 64), got ${JSON.stringify(id)}`);
    const log = (line: string) => process.stderr.write(`${line}\n`);
    const [{ selectBackend }, { startTrainer }] = await Promise.all([import('../../learner/select-backend.ts'), import('../../cluster/start-trainer.ts')]);
    const { backend } = await selectBackend(backendName);
    let ended: (ok: boolean) => void = () => {};
    const firstJob = new Promise<boolean>((resolve) => (ended = resolve));
    const trainer = await startTrainer({
      nats: values.nats,
      id,
      log,
      onProblem: (p) => log(`skipped ${p.file}: ${p.message}`),
      onJobEnd: (_job, result) => ended(!(result instanceof Error)),
    });
    log(`phonestream trainer ${trainer.id}: ${backend}, NATS ${values.nats}, waiting for jobs`);
    let code = 0;
    if (values.once === true) {
      const ok = await Promise.race([firstJob, waitForSignal().then(() => true)]);
      code = ok ? 0 : 1;
    } else {
      await waitForSignal();
    }
    log(`trainer ${trainer.id}: stopping${trainer.job !== null ? ` (job ${trainer.job} will fail: its rounds time out)` : ''}`);
    await trainer.close();
    return code;
  },
};
