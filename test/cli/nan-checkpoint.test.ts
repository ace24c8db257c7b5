import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from './run-cli.ts';

let dir = '';
let bad = '';
let bin = '';

/** The bundled checkpoint with 100 NaN weights in weight_hh_l0 from element 17 on (the case). */
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'phonestream-nan-cli-'));
  bad = join(dir, 'nan');
  await cp('fixtures/checkpoint', bad, { recursive: true });
  const json = JSON.parse(await readFile(join(bad, 'model.json'), 'utf8'));
  const weights = json.weightsManifest[0].weights as { name: string; shape: number[] }[];
  const start = weights.slice(0, weights.findIndex((w) => w.name === 'weight_hh_l0')).reduce((n, w) => n + 4 * w.shape.reduce((a, b) => a * b, 1), 0);
  bin = join(bad, json.weightsManifest[0].paths[0]);
  const bytes = await readFile(bin);
  for (let i = 17; i < 117; i++) bytes.writeFloatLE(NaN, start + 4 * i);
  await writeFile(bin, bytes);
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const refusal = () => `${bin}: weight "weight_hh_l0" holds NaN at element 17, expected finite numbers`;

describe('a checkpoint holding NaN weights', () => {
  it('eval --load refuses it, naming the weights file and the tensor', async () => {
    const res = await cli('eval', 'fixtures/corpus', '--load', bad);
    assert.equal(res.code, 1, res.stdout);
    assert.equal(res.stdout, '', 'no accuracy is reported');
    assert.ok(res.stderr.includes(refusal()), res.stderr);
  });

  it('serve --load refuses it before serving, naming the weights file and the tensor', async () => {
    const child = spawn(process.execPath, ['bin/phonestream.js', 'serve', '--load', bad, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout!.resume();
    // a server that came up would never exit on its own: kill it so the test fails, not hangs
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    const [code] = (await once(child, 'exit')) as [number | null];
    clearTimeout(timer);
    assert.equal(code, 1, stderr);
    assert.ok(stderr.includes(refusal()), stderr);
    assert.doesNotMatch(stderr, /serving on/);
  });
});
