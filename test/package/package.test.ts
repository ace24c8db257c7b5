/**
 * The package as a user gets it: `npm pack` (which runs `prepare`, the build), the tarball installed
 * into an empty project, then plain Node, a strict NodeNext TypeScript consumer and the CLI, all
 * against the installed copy only. One pack and one install serve every assertion (about two
 * minutes on two cores: the build ~30 s, the install ~40 s, the consumer's tsc ~30 s).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSC = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const VERSION = (JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** The children run as a user's would: not from the sources (npm test sets PHONESTREAM_SOURCES). */
const env = { ...process.env };
delete env.PHONESTREAM_SOURCES;
delete env.NODE_OPTIONS;

async function sh(file: string, args: string[], cwd: string): Promise<{ stdout: string; stderr: string }> {
  return run(file, args, { cwd, env, maxBuffer: 64 << 20, timeout: 240_000 });
}

interface PackedFile {
  path: string;
}

let dir = '';
let tarball = '';
let files: string[] = [];
let consumer = '';

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'phonestream-package-'));
  // --json's array follows the build's own output (prepare) on stdout.
  const { stdout } = await sh('npm', ['pack', '--json', '--pack-destination', dir], ROOT);
  const [packed] = JSON.parse(stdout.slice(stdout.indexOf('\n[') + 1)) as [{ filename: string; files: PackedFile[] }];
  tarball = join(dir, packed.filename);
  files = packed.files.map((f) => f.path);

  consumer = join(dir, 'consumer');
  await sh('mkdir', [consumer], dir);
  await writeFile(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  // No install scripts (the package must need none) and no optional tfjs-node (its native download
  // is a backend choice, not the package's: selectBackend falls back to wasm without it).
  await sh('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts', '--omit=optional', tarball], consumer);
}, { timeout: 300_000 });

after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the packed package', () => {
  it('holds the build, the bin and the fixtures the CLI uses, and no tests, benches, scripts or CI', () => {
    for (const prefix of ['test/', 'bench/', 'scripts/', '.ci/', 'src/', 'pipelines/', 'docs/']) {
      // The one script shipped: `phonestream ceilings --pytorch` runs it with the user's python3.
      assert.deepEqual(files.filter((f) => f.startsWith(prefix) && f !== 'scripts/offline-ceilings.py'), [], `nothing under ${prefix}`);
    }
    assert.equal(files.filter((f) => /\.test\.|\.ts$/.test(f) && !f.endsWith('.d.ts')).length, 0, 'no TypeScript sources');
    assert.ok(files.includes('scripts/offline-ceilings.py'), 'the ceilings\' PyTorch script is packed');
    for (const needed of [
      'package.json',
      'bin/phonestream.js',
      'dist/src/index.js',
      'dist/src/index.d.ts',
      'dist/src/cli/main.js',
      'dist/src/threads/feature-worker.js',
      'dist/src/threads/live-worker.js',
      'dist/src/learner/kernels/lstm-kernels.wasm',
      'dist/src/features/kernels/mfcc-kernels.wasm',
      'dist/page/index.html',
      'dist/page/main.js',
      'dist/page/mic-worklet.js',
      'dist/in-tab/index.html', // phonestream static's site, prebuilt: no bundler at run time
      'dist/in-tab/in-tab.js',
      'dist/in-tab/tfjs/tfjs-backend-wasm-simd.wasm',
      'dist/src/in-tab/index.js', // phonestream/browser
      'dist/src/in-tab/index.d.ts',
      'dist/src/kernels/read-kernel-bytes.browser.js', // what the browser field swaps in
      'fixtures/checkpoint/model.json', // serve's default model
      'fixtures/corpus/SOURCE.md', // a small corpus to try replay and serve --replay on
    ]) {
      assert.ok(files.includes(needed), `${needed} is packed`);
    }
    assert.ok(!files.some((f) => f.includes('bootstrap.mjs') || f.includes('bundle-page') || f.includes('bundle-static-site')), 'no tsx bootstraps, no bundler');
  });

  it('imports in plain Node, with the public API and the built page', async () => {
    const script = `
      const m = await import('phonestream');
      const assets = await m.buildPageAssets();
      const server = await m.startPredictionServer({ port: 0, host: '127.0.0.1', assets });
      const page = await (await fetch(server.url)).text();
      await server.close();
      console.log(JSON.stringify({ names: Object.keys(m).sort(), page: page.includes('/main.js'), assets: [...assets.keys()].sort() }));`;
    const { stdout } = await sh(process.execPath, ['--input-type=module', '-e', script], consumer);
    const got = JSON.parse(stdout.trim().split('\n').pop()!) as { names: string[]; page: boolean; assets: string[] };
    const api = (await import('../../src/index.ts')) as Record<string, unknown>;
    assert.deepEqual(got.names, Object.keys(api).sort(), 'the same names as src/index.ts');
    assert.deepEqual(got.assets, ['/favicon.svg', '/index.html', '/main.js', '/mic-worklet.js', '/page.css', '/uplot.css']);
    assert.ok(got.page, 'GET / serves the page');
  });

  it('type-checks a strict NodeNext consumer with no error in its code or in the package’s declarations', async () => {
    await writeFile(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: false, types: ['node'] },
        files: ['consumer.ts'],
      }),
    );
    await writeFile(
      join(consumer, 'consumer.ts'),
      `import { concatMap, Observable } from 'rxjs';
import {
  DEFAULT_FEATURE_CONFIG, OnlineLearner, PHONE_SETS, RunningStats, learnOnline, readCorpus, selectBackend,
  startPredictionServer, buildPageAssets, produceStream, toInt16Pcm, saveCheckpoint, InputError, utteranceToFrameEvents,
  type LearnerEvent, type ServerMessage, type FeatureConfig, type PredictionServer,
} from 'phonestream';
import { openInTabEngine, loadKernels, type InTabEngine, type PhonestreamStatus } from 'phonestream/browser';

const { backend } = await selectBackend();
const learner = new OnlineLearner({ inputSize: 26, phones: [...PHONE_SETS.arpabet], k1: 20, k2: 20, delay: 3 });
const stream = learner.openStream('replay', { train: true });
const stats = new RunningStats(26);
const config: FeatureConfig = { ...DEFAULT_FEATURE_CONFIG };
readCorpus('corpus')
  .pipe(concatMap((u) => utteranceToFrameEvents(u, config, { runningStats: stats })), learnOnline(stream))
  .subscribe((e: LearnerEvent) => e.kind === 'end' && console.log(e.utterance, stream.accuracy, backend));
const server: PredictionServer = await startPredictionServer({ port: 0, assets: await buildPageAssets() });
const kind: ServerMessage['type'] = 'hello';
produceStream(server.url.replace('http', 'ws') + 'ws', { sampleRate: 16000, encoding: 'int16' }, new Observable<Uint8Array>())
  .subscribe((m) => m.type === 'predictions' && console.log(m.frames.length, kind, toInt16Pcm(new Float32Array(1)).length));
await saveCheckpoint('out', learner, config, stats);
console.log(new InputError('consumer.ts', 'x') instanceof Error);
await server.close();
await loadKernels();
const status: PhonestreamStatus['mode'] = 'in-tab';
const engine: Promise<InTabEngine> = openInTabEngine({ checkpointUrl: 'http://localhost/checkpoint/' });
console.log(status, typeof engine);
`,
    );
    const diagnostics = await sh(process.execPath, [TSC, '-p', 'tsconfig.json', '--pretty', 'false'], consumer).then(
      () => [] as string[],
      (err: { stdout: string }) => err.stdout.split('\n').filter((l) => /^\S.*\(\d+,\d+\): error/.test(l)),
    );
    // TensorFlow.js's own declarations do not pass skipLibCheck: false (17 errors in tfjs-core and
    // tfjs-layers, whoever imports them); everything else must be clean: the consumer's program and
    // every declaration of this package and of its other dependencies.
    const ours = diagnostics.filter((l) => !l.startsWith('node_modules/@tensorflow/'));
    assert.deepEqual(ours, []);
  });

  it('answers `npx phonestream --version` (and -v) with the package version', async () => {
    assert.equal((await sh('npx', ['--no-install', 'phonestream', '--version'], consumer)).stdout.trim(), VERSION);
    assert.equal((await sh('npx', ['--no-install', 'phonestream', '-v'], consumer)).stdout.trim(), VERSION);
  });

  it('writes the in-tab site with `npx phonestream static --out DIR`, and resolves phonestream/browser', async () => {
    const { stderr } = await sh('npx', ['--no-install', 'phonestream', 'static', '--out', 'site'], consumer);
    assert.match(stderr, /wrote 15 files/);
    for (const file of ['index.html', 'in-tab.js', 'mic-worklet.js', 'lstm-kernels.wasm', 'mfcc-kernels.wasm', 'tfjs/tfjs-backend-wasm.wasm', 'checkpoint/model.json', 'checkpoint/features.json']) {
      await readFile(join(consumer, 'site', file)); // throws ENOENT, naming the file, when it is missing
    }
    const script = `const m = await import('phonestream/browser'); await m.loadKernels(); console.log(JSON.stringify(Object.keys(m).sort()));`;
    const { stdout } = await sh(process.execPath, ['--input-type=module', '-e', script], consumer);
    const names = JSON.parse(stdout.trim().split('\n').pop()!) as string[];
    const entry = (await import('../../src/in-tab/index.ts')) as Record<string, unknown>;
    assert.deepEqual(names, Object.keys(entry).sort(), 'the same names as src/in-tab/index.ts');
  });

  it('runs a replay with its feature workers and wasm kernels from the installed build', async () => {
    const corpus = join(consumer, 'node_modules/phonestream/fixtures/corpus');
    const { stdout } = await sh('npx', ['--no-install', 'phonestream', 'replay', corpus, '--hidden', '8', '--epochs', '1', '--quiet'], consumer);
    assert.match(stdout, /replay: 5 utterances, \d+ frames .* on wasm/);
    assert.match(stdout, /held-out accuracy/);
  });
});
