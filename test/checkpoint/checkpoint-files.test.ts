import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { CheckpointFileError } from '../../src/checkpoint/checkpoint-files.ts';
import { directoryCheckpointFiles } from '../../src/checkpoint/directory-checkpoint-files.ts';
import { httpCheckpointFiles } from '../../src/checkpoint/http-checkpoint-files.ts';
import { loadCheckpoint } from '../../src/checkpoint/load-checkpoint.ts';
import { loadCheckpointFrom } from '../../src/checkpoint/load-checkpoint-from.ts';
import { InputError } from '../../src/errors.ts';
import { selectBackend } from '../../src/learner/select-backend.ts';

const CHECKPOINT = 'fixtures/checkpoint';
let server: Server;
let base: string;
/** Files served instead of the checkpoint's (name → body, or a status code). */
const overrides = new Map<string, string | number>();

before(async () => {
  await selectBackend();
  server = createServer(async (req, res) => {
    const name = decodeURIComponent((req.url ?? '/').replace(/^\/ckpt\//, ''));
    const override = overrides.get(name);
    if (typeof override === 'number') return void res.writeHead(override).end();
    if (typeof override === 'string') return void res.writeHead(200).end(override);
    const body = await readFile(join(CHECKPOINT, name)).catch(() => undefined);
    if (body === undefined) res.writeHead(404).end();
    else res.writeHead(200).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}/ckpt`;
});
after(() => server.close());

describe('checkpoint files', () => {
  it('a directory and the same files over HTTP load the same model, features and statistics', async () => {
    const fromDir = await loadCheckpoint(CHECKPOINT, { trainable: false });
    const fromHttp = await loadCheckpointFrom(httpCheckpointFiles(base), { trainable: false });
    try {
      assert.deepEqual(fromHttp.learner.config, fromDir.learner.config);
      assert.deepEqual(fromHttp.learner.params, fromDir.learner.params);
      assert.equal(fromHttp.learner.version, fromDir.learner.version);
      assert.deepEqual(fromHttp.features, fromDir.features);
      assert.deepEqual(fromHttp.stats.snapshot(), fromDir.stats.snapshot());
    } finally {
      fromDir.learner.dispose();
      fromHttp.learner.dispose();
    }
  });

  it('names the URL: missing is a 404, other statuses are reasons', async () => {
    const files = httpCheckpointFiles(`${base}/`);
    assert.equal(files.where('model.json'), `${base}/model.json`);
    overrides.set('model.json', 500);
    try {
      await assert.rejects(files.read('model.json'), (err: unknown) =>
        err instanceof CheckpointFileError && !err.missing && err.reason === 'HTTP 500' && err.where === `${base}/model.json`);
      await assert.rejects(loadCheckpointFrom(files), (err: unknown) =>
        err instanceof InputError && err.source === `${base}/model.json` && /cannot read the checkpoint \(HTTP 500\)/.test(err.message));
    } finally {
      overrides.delete('model.json');
    }
    await assert.rejects(files.read('nothing.bin'), (err: unknown) => err instanceof CheckpointFileError && err.missing);
  });

  it('a served model.json that is not JSON, or weights cut short, are InputErrors naming the URL', async () => {
    overrides.set('model.json', '{ not json');
    try {
      await assert.rejects(loadCheckpointFrom(httpCheckpointFiles(base)), (err: unknown) =>
        err instanceof InputError && err.source === `${base}/model.json` && /not JSON/.test(err.message));
    } finally {
      overrides.delete('model.json');
    }
    const weights = JSON.parse(await readFile(join(CHECKPOINT, 'model.json'), 'utf8')).weightsManifest[0].paths[0] as string;
    overrides.set(weights, 'short');
    try {
      await assert.rejects(loadCheckpointFrom(httpCheckpointFiles(base)), (err: unknown) =>
        err instanceof InputError && err.source === `${base}/${weights}` && /bytes of float32\/int32 weights/.test(err.message));
    } finally {
      overrides.delete(weights);
    }
  });

  it('a directory reports a missing file as missing, with the system code', async () => {
    const files = directoryCheckpointFiles(CHECKPOINT);
    assert.equal(files.where('model.json'), join(CHECKPOINT, 'model.json'));
    await assert.rejects(files.read('nothing.bin'), (err: unknown) =>
      err instanceof CheckpointFileError && err.missing && err.reason === 'ENOENT');
  });
});
