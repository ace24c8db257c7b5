import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from './run-cli.ts';

let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'phonestream-study-cli-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('phonestream study', () => {
  it('should be listed, have help, and refuse a bad option or no corpus', async () => {
    assert.match((await cli('--help')).stdout, /study\s+replay a grid/);
    assert.match((await cli('study', '--help')).stdout, /--budget MINUTES/);
    const bad = await cli('study', 'fixtures/corpus', '--seeds', '0');
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /--seeds must be an integer from 1/);
    const none = await cli('study');
    assert.notEqual(none.code, 0);
    assert.match(none.stderr, /expected at least one corpus directory/);
  });
  it('should pass the options after -- to every replay and write results.json and study.md', async () => {
    const out = join(dir, 'out');
    const res = await cli('study', 'fixtures/corpus', '--budget', '0.01', '--seeds', '1', '--out', out, '--quiet', '--', '--hidden', '8');
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /^study: 1 runs, /);
    const results = JSON.parse(await readFile(join(out, 'results.json'), 'utf8'));
    assert.deepEqual(results.replayArgs, ['--hidden', '8']);
    assert.equal(results.points.length, results.grid.length, 'every grid point has an outcome');
    assert.ok(results.points.slice(1).every((p: { status: string }) => p.status === 'skipped'));
    assert.match(await readFile(join(out, 'study.md'), 'utf8'), /^# When to backpropagate and update/);
  });
});
