import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { build } from 'esbuild';
import ts from 'typescript';
import { browserVariants } from '../../src/static-site/bundle-static-site.ts';

/**
 * The browser entry, pinned: `import … from 'phonestream/browser'` is src/in-tab/index.ts. Like
 * the main entry (public-api.test.ts), a name added or taken is a decision made here too. And it
 * must bundle for a browser: with the browser variants of our modules (what package.json's
 * `browser` field gives a consumer's bundler) nothing of Node's may remain; without them it would.
 */
const VALUES = [
  'CheckpointFileError', 'ConfigError', 'InputError', 'LABEL_EXTENSIONS', 'OnlineLearner', 'RECORDING_EXTENSIONS',
  'httpCheckpointFiles', 'initialStatus', 'loadCheckpointFrom', 'loadKernels', 'openInTabEngine', 'parseLabelBytes',
  'pickRecordingFiles', 'predictPcm', 'publishStatus', 'readLabelledRecording', 'selectBackend', 'trainOnRecording',
];
const TYPES = [
  'BackendName', 'Checkpoint', 'CheckpointFiles', 'FramePrediction', 'InTabEngine', 'InTabOptions', 'LabelParseOptions',
  'LearnerEvent', 'LoadKernelsOptions', 'MetricsEvent', 'NamedBytes', 'PhoneSegment', 'PhonestreamStatus', 'PredictPcmOptions',
  'PredictionsEvent', 'ServerMessage', 'StatusWindow', 'StreamEndEvent', 'TrainOnRecordingOptions',
];
const ENTRY = fileURLToPath(new URL('../../src/in-tab/index.ts', import.meta.url));

async function declaredExports(): Promise<{ values: string[]; types: string[] }> {
  const source = ts.createSourceFile('index.ts', await readFile(ENTRY, 'utf8'), ts.ScriptTarget.ES2022);
  const values: string[] = [];
  const types: string[] = [];
  for (const statement of source.statements) {
    assert.ok(ts.isExportDeclaration(statement), 'src/in-tab/index.ts holds named re-exports only');
    assert.ok(statement.exportClause && ts.isNamedExports(statement.exportClause), 'no `export *`');
    for (const element of statement.exportClause.elements) (statement.isTypeOnly || element.isTypeOnly ? types : values).push(element.name.text);
  }
  return { values: values.sort(), types: types.sort() };
}

const bundle = (plugins: typeof browserVariants[]) =>
  build({ entryPoints: [ENTRY], bundle: true, write: false, format: 'esm', platform: 'browser', logLevel: 'silent', metafile: true, plugins });

describe('the browser entry (phonestream/browser)', () => {
  it('exports exactly the pinned values and types', async () => {
    const { values, types } = await declaredExports();
    assert.deepEqual(values, [...VALUES].sort());
    assert.deepEqual(types, [...TYPES].sort());
  });

  it('bundles for the browser with our browser variants, and not without them', async () => {
    const result = await bundle([browserVariants]);
    assert.deepEqual(result.errors, []);
    const code = new TextDecoder().decode(result.outputFiles[0].contents);
    assert.ok(!/from\s*["']node:/.test(code) && !/require\(["']node:/.test(code), 'no node: import left in the bundle');
    await assert.rejects(bundle([]), (err: Error) => /node:fs|node:module/.test(err.message), 'the Node variants need fs');
  });

  it('reads no `process` in a module a browser loads, except through src/runtime (a consumer\'s bundler need not define one)', async () => {
    const { metafile } = await bundle([browserVariants]);
    const ours = Object.keys(metafile!.inputs).filter((f) => f.startsWith('src/') && !f.startsWith('src/runtime/'));
    assert.ok(ours.length > 50, `${ours.length} of our modules in the browser entry`);
    const offenders: string[] = [];
    for (const file of ours) {
      const code = (await readFile(file, 'utf8')).replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
      if (/\bprocess\.|typeof process\b/.test(code)) offenders.push(file);
    }
    assert.deepEqual(offenders, []);
  });
});
