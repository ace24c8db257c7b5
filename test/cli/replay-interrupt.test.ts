import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCheckpoint } from '../../src/checkpoint/load-checkpoint.ts';
import { selectBackend } from '../../src/learner/select-backend.ts';

let dir = '';
before(async () => {
  await selectBackend();
  dir = await mkdtemp(join(tmpdir(), 'phonestream-interrupt-cli-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a replay of 10,000 epochs (hours: it cannot end before the signal, however fast training
 * gets), waits until its progress line shows trained frames, then sends
 * `signals` (the second, if any, right after the first: while the checkpoint is being written).
 */
async function interruptedReplay(signals: NodeJS.Signals[], ...extra: string[]): Promise<Outcome> {
  const args = ['bin/phonestream.js', 'replay', 'fixtures/corpus', '--epochs', '10000', ...extra];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  // a replay that never trains or never stops fails the test rather than hanging the run
  const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
  await new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', (c: Buffer) => {
      stderr += c.toString();
      if (/frames [1-9]\d*/.test(stderr)) resolve();
    });
    void exited.then(([code]) => reject(new Error(`replay exited (${code}) before training:\n${stderr}`)));
  });
  for (const s of signals) child.kill(s);
  const [code, signal] = await exited;
  clearTimeout(guard);
  return { code, signal, stdout, stderr };
}

const readJson = async (path: string) => JSON.parse(await readFile(path, 'utf8'));

/** The interrupted run's checkpoint loads, and holds the update count the message gave. */
async function assertSaved(out: Outcome, ckpt: string): Promise<void> {
  const m = out.stderr.match(new RegExp(`interrupted: saved checkpoint to ${ckpt} after (\\d+) updates\\n`));
  assert.ok(m, out.stderr);
  const updates = Number(m[1]);
  assert.ok(updates > 0, 'it had trained');
  const { learner, stats } = await loadCheckpoint(ckpt);
  try {
    assert.equal(learner.version, updates);
    assert.ok(stats.count > 0, 'the normalisation statistics were saved too');
  } finally {
    learner.dispose();
  }
}

describe('phonestream replay interrupted by a signal', () => {
  for (const sig of ['SIGTERM', 'SIGINT'] as const) {
    it(`${sig} with --save: saves the checkpoint and the summary (marked interrupted), exits 0`, async () => {
      const ckpt = join(dir, `ckpt-${sig}`);
      const summary = join(dir, `summary-${sig}.json`);
      const out = await interruptedReplay([sig], '--save', ckpt, '--summary', summary);
      assert.deepEqual([out.code, out.signal], [0, null], out.stderr);
      await assertSaved(out, ckpt);
      const s = await readJson(summary);
      assert.equal(s.interrupted, true);
      assert.equal(s.signal, sig);
      assert.ok(s.epochs.length < 10000, `stopped early (${s.epochs.length} epochs)`);
      assert.match(out.stdout, new RegExp(`interrupted by ${sig} after \\d+ complete epoch`));
    });
  }

  it('a second signal while saving does not cut the save short', async () => {
    const ckpt = join(dir, 'ckpt-twice');
    const out = await interruptedReplay(['SIGTERM', 'SIGINT'], '--save', ckpt);
    assert.deepEqual([out.code, out.signal], [0, null], out.stderr);
    // both signals may be pending at once, and either may be handled first
    assert.match(out.stderr, /(SIGINT|SIGTERM): already stopping; finishing the checkpoint and summary first\n/);
    await assertSaved(out, ckpt);
  });

  it('without --save: says nothing was saved, still writes the summary, exits 130 on SIGINT', async () => {
    const summary = join(dir, 'summary-nosave.json');
    const out = await interruptedReplay(['SIGINT'], '--summary', summary);
    assert.deepEqual([out.code, out.signal], [130, null], out.stderr);
    assert.match(out.stderr, /interrupted: nothing saved \(no --save DIR\)\n/);
    assert.equal((await readJson(summary)).interrupted, true);
  });
});
