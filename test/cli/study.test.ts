import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
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
    // --render: study.md again from results.json, now with conclusions written into it, nothing run.
    const results2 = { ...results, conclusions: ['A finding from the runs.'] };
    await writeFile(join(out, 'results.json'), JSON.stringify(results2));
    await rm(join(out, 'study.md'));
    const rendered = await cli('study', '--render', '--out', out);
    assert.equal(rendered.code, 0, rendered.stderr);
    assert.match(rendered.stdout, /^study: rendered .*study\.md .* from 1 runs/);
    assert.match(await readFile(join(out, 'study.md'), 'utf8'), /## Conclusions\n\nA finding from the runs\./);
    assert.deepEqual(JSON.parse(await readFile(join(out, 'results.json'), 'utf8')).runs, results.runs, 'results.json left as it was');
  });
  it('should refuse --render with a corpus, and name results.json when it is missing or broken', async () => {
    const mixed = await cli('study', 'fixtures/corpus', '--render', '--out', dir);
    assert.notEqual(mixed.code, 0, mixed.stderr);
    assert.match(mixed.stderr, /--render takes only --out DIR/);
    const missing = await cli('study', '--render', '--out', join(dir, 'nothing-here'));
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /cannot read .*nothing-here.*results\.json/);
    const broken = join(dir, 'broken');
    await mkdir(broken, { recursive: true });
    await writeFile(join(broken, 'results.json'), JSON.stringify({ runs: [], points: [], grid: [], conclusions: 'not a list' }));
    const bad = await cli('study', '--render', '--out', broken);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /results\.json field conclusions must be an array of strings/);
  });
});
