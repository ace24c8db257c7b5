import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import ts from 'typescript';

/**
 * The public API, pinned: `import … from 'phonestream'` is src/index.ts, and a name added to it or
 * taken from it is a decision about what users may depend on, made here as well as there (and in
 * docs/api/, `npm run docs`). Internals (the learner's math and kernels, the server's helpers, …)
 * are imported from their modules inside the repository.
 */
const VALUES = [
  'ConfigError', 'ConfusionCounts', 'DEFAULT_FEATURE_CONFIG', 'DEFAULT_LEARNER_CONFIG', 'FeaturePool', 'InputError',
  'LABEL_EXTENSIONS', 'OnlineLearner', 'PHONE_SETS', 'PROTOCOL_VERSION', 'RunningStats', 'TemporalAgreement',
  'appendDeltas', 'buildPageAssets', 'chanceAgreement', 'cohenKappa', 'createPcmDecoder', 'createStreamResampler',
  'decodeAudio', 'decodeClientMessage', 'discoverPhoneSet', 'encodeServerMessage', 'featureDims', 'foldTimit39',
  'frameBlocks', 'frameCount', 'frameSignal', 'fromPcmChunks', 'fromPytorchStateDict', 'kappaFromAgreement',
  'kappaTemporal', 'labelFrames', 'learnOnline', 'listCorpus', 'loadCheckpoint', 'loadFeatureStats',
  'loadLearner', 'loadUtterance', 'noChangeAccuracy', 'normalizeFixed', 'normalizePhone', 'normalizeRunning',
  'paceRealtime', 'parseLab', 'parseTextGrid', 'parseTimitPhn', 'preparedToFrameEvents', 'produceStream',
  'readAudioFile', 'readCorpus', 'readLabelFile', 'readPreparedCorpus', 'resampleTo16k', 'resolveLearnerConfig',
  'saveCheckpoint', 'saveLearner', 'selectBackend', 'splitByFile', 'startPredictionServer', 'toCepstra',
  'toFeatureFrames', 'toInt16Pcm', 'toPytorchStateDict', 'topPhones', 'utteranceToFrameEvents', 'validateFeatureConfig',
  // protocol v2: segments and the negotiated version
  'SUBPROTOCOLS', 'encodeServerMessageFor', 'negotiateProtocol', 'PhoneSegmenter', 'segmentPredictions', 'MAX_END_SEGMENTS',
  // beyond one box
  'startGateway', 'startWorker',
  // checkpoints from anywhere, kernels loaded ahead, labels from bytes (the browser's way, also in Node)
  'loadCheckpointFrom', 'CheckpointFileError', 'directoryCheckpointFiles', 'httpCheckpointFiles', 'loadKernels', 'parseLabelBytes',
];

const TYPES = [
  'AgreementSummary', 'BackendName', 'BackendSelection', 'Checkpoint', 'ChunkResult', 'ClientMessage',
  'ConfusionCell', 'CorpusEntry', 'CorpusProblem', 'DroppedMessage', 'EndMessage', 'EndResult',
  'ErrorMessage', 'FeatureConfig', 'FeatureFrame', 'FeatureNormalization', 'FeatureStats', 'ForwardGradientName',
  'FrameBlock', 'FrameEvent', 'FrameGeometry', 'FramePrediction', 'HelloMessage', 'LabelWarning',
  'LearnOnlineOptions', 'LearnerAlgorithm', 'LearnerConfig', 'LearnerEvent', 'LearnerOptimizer', 'LearnerPreset',
  'LearnerStream', 'LearnerTruncation', 'LoadOptions', 'LstmShape', 'MetricsEvent', 'MetricsMessage',
  'MfccKernelConfig', 'MonoAudio', 'PageAsset', 'PcmChunk', 'PcmChunkOptions', 'PcmDecoder',
  'PcmEncoding', 'PhoneSegment', 'PhoneSetName', 'PingMessage', 'PongMessage', 'PortableLoadOptions',
  'PredictionServer', 'PredictionServerOptions', 'PredictionsEvent', 'PredictionsMessage', 'PrepareOutcome', 'PreparedUtterance',
  'ProducerStream', 'PushResult', 'PytorchStateDict', 'ReadCorpusOptions', 'ReadPreparedCorpusOptions', 'ResamplerQuality',
  'ResolvedLearnerConfig', 'RunningStatsSnapshot', 'ServerMessage', 'StartMessage', 'StartRequest', 'StartedMessage',
  'StopMessage', 'StreamEndEvent', 'StreamMemory', 'StreamModel', 'StreamOptions', 'StreamResampler',
  'StreamStats', 'TimedFeatures', 'UpdateResult', 'Utterance', 'UtteranceEnd', 'UtteranceMessage',
  'WindowKind', 'WireFrame',
  'WireSegment', 'SegmentsMessage', 'ProtocolVersion', 'SegmentGeometry',
  'Gateway', 'GatewayOptions', 'ClusterWorker', 'WorkerOptions',
  'CheckpointFiles', 'LoadKernelsOptions', 'LabelParseOptions',
];

/** The names src/index.ts re-exports, split into values and type-only exports. */
async function declaredExports(): Promise<{ values: string[]; types: string[] }> {
  const text = await readFile(new URL('../../src/index.ts', import.meta.url), 'utf8');
  const source = ts.createSourceFile('index.ts', text, ts.ScriptTarget.ES2022);
  const values: string[] = [];
  const types: string[] = [];
  for (const statement of source.statements) {
    assert.ok(ts.isExportDeclaration(statement) || ts.isEmptyStatement(statement), 'src/index.ts holds named re-exports only');
    if (!ts.isExportDeclaration(statement)) continue;
    assert.ok(statement.exportClause && ts.isNamedExports(statement.exportClause), 'no `export *`: every public name is listed');
    for (const element of statement.exportClause.elements) (statement.isTypeOnly || element.isTypeOnly ? types : values).push(element.name.text);
  }
  return { values: values.sort(), types: types.sort() };
}

describe('the public API (src/index.ts)', () => {
  it('exports exactly the pinned values, and they exist at run time', async () => {
    const { values } = await declaredExports();
    assert.deepEqual(values, [...VALUES].sort());
    const api = (await import('../../src/index.ts')) as Record<string, unknown>;
    assert.deepEqual(Object.keys(api).sort(), [...VALUES].sort());
    for (const name of VALUES) assert.notEqual(api[name], undefined, name);
  });

  it('exports exactly the pinned types', async () => {
    const { types } = await declaredExports();
    assert.deepEqual(types, [...TYPES].sort());
  });

  it('keeps the internals internal', async () => {
    const api = (await import('../../src/index.ts')) as Record<string, unknown>;
    for (const name of ['allocFloats', 'createStepCache', 'tbpttGradients', 'forwardStep', 'paramLayout', 'useWasmKernels', 'FrameBatcher', 'isAllowedOrigin']) {
      assert.equal(name in api, false, name);
    }
  });
});
