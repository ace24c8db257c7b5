import { ConfigError } from '../../errors.ts';
import type { CliCommand } from '../cli-command.ts';
import { numberOption, parseOptions } from '../parse-options.ts';
import { waitForSignal } from '../wait-for-signal.ts';

const HELP = `Usage: phonestream gateway --nats URL [options]

A gateway of a phonestream cluster (docs/scale-out.md): the same page and WebSocket protocol as
'phonestream serve' (docs/protocol.md), holding no stream state. A producer's audio goes into
JetStream, and every stream's predictions come back from the cluster's workers, so any gateway
serves any stream's consumers. Run several behind a load balancer; one that dies ends only the
connections it held.

Options:
  --nats URL          NATS server(s) with JetStream, e.g. nats://127.0.0.1:4222 (required)
  --port N            (default 8080)
  --host ADDR         interface to listen on (default 127.0.0.1)
  --token TOKEN       producers must present it (default: env PHONESTREAM_TOKEN)
  --token-for-consumers  every connection, consumers too, must present the token
  --max-producers N   live streams at once on this gateway (default 64)
  --allow-origin URL  another browser origin allowed to connect (repeatable)
  --partitions N      partitions of the cluster (default 16; every gateway and worker must agree)
  --id NAME           the gateway's id, the prefix of its stream ids (default: g + 6 random hex digits)

Example:
  phonestream gateway --nats nats://127.0.0.1:4222 --port 8080`;

export const command: CliCommand = {
  name: 'gateway',
  summary: 'serve the page and WebSocket for a NATS cluster of workers',
  help: HELP,
  async run(argv) {
    const { values } = parseOptions('gateway', argv, {
      nats: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      token: { type: 'string' },
      'token-for-consumers': { type: 'boolean' },
      'max-producers': { type: 'string' },
      'allow-origin': { type: 'string', multiple: true },
      partitions: { type: 'string' },
      id: { type: 'string' },
    });
    if (typeof values.nats !== 'string') throw new ConfigError('gateway: --nats URL is required (a nats-server with JetStream)');
    const port = numberOption('port', values.port, { min: 0, max: 65535, integer: true }) ?? 8080;
    const host = typeof values.host === 'string' ? values.host : '127.0.0.1';
    const partitions = numberOption('partitions', values.partitions, { min: 1, max: 1024, integer: true }) ?? 16;
    const maxProducers = numberOption('max-producers', values['max-producers'], { min: 1, integer: true }) ?? 64;
    const token = typeof values.token === 'string' ? values.token : process.env.PHONESTREAM_TOKEN || undefined;
    const requireTokenForConsumers = values['token-for-consumers'] === true;
    if (requireTokenForConsumers && token === undefined) {
      throw new ConfigError('--token-for-consumers needs a token: give --token TOKEN or set PHONESTREAM_TOKEN');
    }
    const id = typeof values.id === 'string' ? values.id : undefined;
    if (id !== undefined && !/^[A-Za-z0-9_-]{1,32}$/.test(id)) throw new ConfigError(`--id must be letters, digits, '-' or '_' (at most 32), got ${JSON.stringify(id)}`);
    const log = (line: string) => process.stderr.write(`${line}\n`);
    const [{ startGateway }, { buildPageAssets }] = await Promise.all([import('../../cluster/start-gateway.ts'), import('../../server/page-assets.ts')]);
    const gateway = await startGateway({
      nats: values.nats,
      port,
      host,
      token,
      requireTokenForConsumers,
      maxProducers,
      allowOrigins: (values['allow-origin'] ?? []) as string[],
      assets: await buildPageAssets(),
      partitions,
      id,
      log,
    });
    log(`phonestream gateway ${gateway.id}: open ${gateway.url} (WebSocket ${gateway.wsUrl}), NATS ${values.nats}`);
    await waitForSignal();
    log(`gateway ${gateway.id}: stopping`);
    await gateway.close();
    return 0;
  },
};
