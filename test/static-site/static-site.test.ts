import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { saveCheckpoint } from '../../src/checkpoint/save-checkpoint.ts';
import { InputError } from '../../src/errors.ts';
import { DEFAULT_FEATURE_CONFIG } from '../../src/features/feature-config.ts';
import { RunningStats } from '../../src/features/running-stats.ts';
import { OnlineLearner } from '../../src/learner/online-learner.ts';
import { selectBackend } from '../../src/learner/select-backend.ts';
import { bundleStaticSite } from '../../src/static-site/bundle-static-site.ts';
import { SITE_FILES } from '../../src/static-site/site-files.ts';
import { readCheckpointForSite, writeStaticSite } from '../../src/static-site/write-static-site.ts';
import { cli } from '../cli/run-cli.ts';

let root: string;
before(async () => {
  await selectBackend();
  root = await mkdtemp(join(tmpdir(), 'phonestream-static-'));
});
after(() => rm(root, { recursive: true, force: true }));

async function listTree(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (e.isDirectory()) out.push(...(await listTree(join(dir, e.name), `${prefix}${e.name}/`)));
    else out.push(`${prefix}${e.name}`);
  }
  return out.sort();
}

describe('the static site', () => {
  it('bundles exactly SITE_FILES: the page, one script for the browser, kernels, tfjs wasm files', async () => {
    const files = await bundleStaticSite();
    assert.deepEqual([...files.keys()].sort(), [...SITE_FILES].sort());
    const html = new TextDecoder().decode(files.get('index.html'));
    // Relative URLs only, so the site works under any path of any host.
    assert.match(html, /<script type="module" src="in-tab\.js"><\/script>/);
    assert.doesNotMatch(html, /(href|src)="\//);
    for (const id of ['drop-zone', 'recording-input', 'pass-losses', 'mic-button', 'strip']) assert.match(html, new RegExp(`id="${id}"`));
    for (const kernel of ['lstm-kernels.wasm', 'mfcc-kernels.wasm', 'tfjs/tfjs-backend-wasm-simd.wasm']) {
      assert.ok(WebAssembly.validate(new Uint8Array(files.get(kernel)!)), `${kernel} is wasm`);
    }
    const script = new TextDecoder().decode(files.get('in-tab.js'));
    assert.doesNotMatch(script, /from\s*["']node:|require\(["']node:/);
  });

  it('copies exactly the checkpoint files the loader reads, after checking them', async () => {
    const read = await readCheckpointForSite('fixtures/checkpoint');
    const model = JSON.parse(await readFile('fixtures/checkpoint/model.json', 'utf8'));
    assert.deepEqual([...read.keys()].sort(), ['features.json', 'model.json', model.weightsManifest[0].paths[0]].sort());
    assert.ok(Buffer.from(read.get('model.json')!).equals(await readFile('fixtures/checkpoint/model.json')));

    const bad = join(root, 'bad-checkpoint');
    await rm(bad, { recursive: true, force: true });
    await import('node:fs/promises').then((fs) => fs.cp('fixtures/checkpoint', bad, { recursive: true }));
    await writeFile(join(bad, model.weightsManifest[0].paths[0]), 'short');
    await assert.rejects(readCheckpointForSite(bad), (err: unknown) => err instanceof InputError && /bytes of float32\/int32 weights/.test(err.message));
  });

  it('copies a version-2 checkpoint\'s own feature file, the one its model.json names', async () => {
    const dir = join(root, 'v2');
    const learner = new OnlineLearner({ inputSize: 26, phones: ['aa', 'sil'], hiddenSize: 4, seed: 3 });
    try {
      await saveCheckpoint(dir, learner, DEFAULT_FEATURE_CONFIG, new RunningStats(26));
    } finally {
      learner.dispose();
    }
    const model = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    const featuresFile = model.userDefinedMetadata.phonestream.featuresFile as string;
    assert.match(featuresFile, /^features-.+\.json$/);
    const read = await readCheckpointForSite(dir);
    assert.deepEqual([...read.keys()].sort(), [featuresFile, 'model.json', model.weightsManifest[0].paths[0]].sort());
  });

  it('writes the site: assets at the root, the checkpoint in checkpoint/, nothing else touched', async () => {
    const out = join(root, 'site');
    const assets = new Map([['index.html', new TextEncoder().encode('<!doctype html>')], ['tfjs/a.wasm', new Uint8Array([0, 97, 115, 109])]]);
    const checkpoint = new Map([['model.json', new TextEncoder().encode('{}')]]);
    await import('node:fs/promises').then((fs) => fs.mkdir(out, { recursive: true }));
    await writeFile(join(out, 'keep.txt'), 'mine');
    const site = await writeStaticSite(out, assets, checkpoint);
    assert.deepEqual(site.files, ['checkpoint/model.json', 'index.html', 'tfjs/a.wasm']);
    assert.deepEqual(site.checkpointFiles, ['model.json']);
    assert.equal(site.bytes, 15 + 4 + 2);
    assert.deepEqual(await listTree(out), ['checkpoint/model.json', 'index.html', 'keep.txt', 'tfjs/a.wasm']);
  });

  it('phonestream static: listed, has help, checks --out and the checkpoint before work, writes the site', async () => {
    const list = await cli('--help');
    assert.match(list.stdout, /static\s+write a static site that runs the model in the browser tab/);
    assert.match((await cli('static', '--help')).stdout, /Usage: phonestream static --out DIR/);
    const noOut = await cli('static');
    assert.notEqual(noOut.code, 0);
    assert.match(noOut.stderr, /static: --out DIR is required/);
    const file = join(root, 'a-file');
    await writeFile(file, 'x');
    const outIsFile = await cli('static', '--out', file);
    assert.match(outIsFile.stderr, /--out .*a-file: exists and is not a directory \(checked before starting/);
    const missing = await cli('static', '--out', join(root, 'never'), '--checkpoint', join(root, 'nothing'));
    assert.match(missing.stderr, /nothing: --checkpoint: cannot read \(ENOENT\); expected a checkpoint directory/);
    const notCheckpoint = await cli('static', '--out', join(root, 'never'), '--checkpoint', 'fixtures/corpus');
    assert.match(notCheckpoint.stderr, /fixtures\/corpus\/model\.json: cannot read the checkpoint \(ENOENT\)/);
    assert.deepEqual((await readdir(root)).filter((n) => n === 'never'), [], 'nothing written after a refused checkpoint');

    const out = join(root, 'written');
    const ok = await cli('static', '--out', out);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stderr, /wrote 15 files/);
    const tree = await listTree(out);
    for (const f of SITE_FILES) assert.ok(tree.includes(f), `${f} written`);
    assert.ok(tree.includes('checkpoint/model.json') && tree.includes('checkpoint/features.json'));
  });
});
