import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { cli } from '../cli/run-cli.ts';
import { startNatsServer, type NatsServer } from './nats-server.ts';

/** `phonestream trainer --once` as a child process, once it says it waits for jobs. */
async function trainer(url: string, id: string): Promise<{ child: ChildProcess; lines: string[]; code: Promise<number | null> }> {
  const child = spawn(process.execPath, ['bin/phonestream.js', 'trainer', '--nats', url, '--id', id, '--once'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const lines: string[] = [];
  const code = new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stderr! }).on('line', (l) => {
      lines.push(l);
      if (/waiting for jobs/.test(l)) resolve();
    });
    void code.then((c) => reject(new Error(`trainer ${id} exited (${c}): ${lines.join(' | ')}`)));
  });
  return { child, lines, code };
}

describe('replay --nats through the CLI', () => {
  let nats: NatsServer;
  let dir: string;
  before(async () => {
    nats = await startNatsServer();
    dir = await mkdtemp(join(tmpdir(), 'ps-replay-nats-'));
  });
  after(async () => {
    await nats?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('should train over two trainer processes and write replay\'s summary with the cluster\'s figures', async () => {
    const ts = [await trainer(nats.url, 'cli-a'), await trainer(nats.url, 'cli-b')];
    const summaryFile = join(dir, 'summary.json');
    const r = await cli('replay', 'fixtures/corpus', '--nats', nats.url, '--workers', '2', '--average-every', '20', '--epochs', '2', '--held-out', '0.2', '--summary', summaryFile, '--quiet');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /replay over 2 trainer\(s\) \((cli-a, cli-b|cli-b, cli-a)\)/);
    assert.match(r.stdout, /held-out accuracy \d+\.\d%/);
    const s = JSON.parse(await readFile(summaryFile, 'utf8'));
    assert.equal(s.trainFiles + s.heldOutFiles, 6);
    assert.ok(s.framesPerSecond > 0 && s.frames > 0 && s.heldOutAccuracy !== null);
    assert.equal(s.cluster.workers, 2);
    assert.ok(s.cluster.rounds >= 2);
    assert.match(s.cluster.checkpoint.name, /^j[0-9a-f]+-round\d+$/);
    assert.deepEqual(s.cluster.perTrainer.map((p: { frames: number }) => p.frames).reduce((a: number, b: number) => a + b, 0), s.frames);
    for (const t of ts) assert.equal(await t.code, 0, t.lines.join('\n'));
  });

  it('should refuse the distributed options without --nats, and --nats with --save', async () => {
    const a = await cli('replay', 'fixtures/corpus', '--workers', '2');
    assert.equal(a.code, 1);
    assert.match(a.stderr, /--workers needs --nats URL/);
    const b = await cli('replay', 'fixtures/corpus', '--nats', nats.url, '--save', join(dir, 'ck'));
    assert.equal(b.code, 1);
    assert.match(b.stderr, /--save is not supported in a distributed replay/);
  });
});
