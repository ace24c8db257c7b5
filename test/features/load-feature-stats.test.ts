import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../src/errors.ts';
import { loadFeatureStats } from '../../src/features/load-feature-stats.ts';

describe('loadFeatureStats', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'phonestream-stats-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const file = async (name: string, text: string) => {
    const p = join(dir, name);
    await writeFile(p, text);
    return p;
  };
  const refused = async (path: string, message: string) =>
    assert.rejects(loadFeatureStats(path), (err: unknown) => err instanceof InputError && err.message === `${path}: ${message}`);

  it('should read what phonestream stats writes', async () => {
    const p = await file('ok.json', JSON.stringify({ dims: 2, frames: 7, mean: [1, -2], variance: [0.5, 3] }));
    assert.deepEqual(await loadFeatureStats(p), { dims: 2, frames: 7, mean: [1, -2], variance: [0.5, 3] });
  });

  it('should name the file and the problem for bad files', async () => {
    await refused(join(dir, 'missing.json'), 'cannot read feature statistics (ENOENT)');
    const notJson = await file('bad.json', '{mean:');
    await assert.rejects(loadFeatureStats(notJson), (err: unknown) => err instanceof InputError && err.message.startsWith(`${notJson}: not JSON (`));
    await refused(await file('arr.json', '[1,2]'), 'expected a JSON object with dims, frames, mean and variance');
    await refused(await file('nomean.json', '{"variance":[1]}'), 'field "mean" must be a non-empty array of numbers');
    await refused(await file('negvar.json', '{"mean":[0,0],"variance":[1,-1]}'), 'variance[1] must be a finite non-negative number, got -1');
    await refused(await file('len.json', '{"mean":[0,0],"variance":[1]}'), 'mean has 2 values but variance has 1');
    await refused(await file('dims.json', '{"dims":3,"mean":[0,0],"variance":[1,1]}'), 'dims is 3 but mean has 2 values');
    await refused(await file('nan.json', '{"mean":[0,"x"],"variance":[1,1]}'), 'mean[1] must be a finite number, got "x"');
  });
});
