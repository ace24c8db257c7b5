import { stat, writeFile } from 'node:fs/promises';
import { from } from 'rxjs';
import { readAudioFile } from '../../audio/read-audio-file.ts';
import { listCorpus } from '../../corpus/list-corpus.ts';
import { ConfigError, InputError } from '../../errors.ts';
import { DEFAULT_FEATURE_CONFIG, type FeatureConfig } from '../../features/feature-config.ts';
import { assertAtLeastOneFrame } from '../../features/assert-at-least-one-frame.ts';
import { featureDims } from '../../features/feature-dims.ts';
import { RunningStats } from '../../features/running-stats.ts';
import { toFeatureFrames } from '../../features/to-feature-frames.ts';
import type { CliCommand } from '../cli-command.ts';
import { checkOutputPaths } from '../check-output-path.ts';
import { choiceOption, parseOptions } from '../parse-options.ts';
import { warnOnce } from '../warn-once.ts';

const HELP = `Usage: phonestream stats CORPUS... --out stats.json [options]

Computes the per-dimension mean and (population) variance of the raw feature vectors over one or
more corpora, for fixed normalisation ('phonestream features --stats stats.json', or a
FeatureConfig with normalization {kind: 'fixed', stats}). Each CORPUS is a directory (its audio
files that have a label file, as the corpus reader pairs them) or a single audio file.

Options:
  --out FILE              where to write the JSON statistics (required)
  --dims 26|39            feature dimension, as for 'phonestream features' (default 26)
  --window hamming|hann   analysis window (default hamming)
  --help                  this text

Output: {"dims":26,"frames":...,"utterances":...,"mean":[...],"variance":[...],"config":{...}}

Example:
  phonestream stats fixtures/corpus --out stats.json`;

async function audioFilesOf(path: string): Promise<string[]> {
  let isDir: boolean;
  try {
    isDir = (await stat(path)).isDirectory();
  } catch (err) {
    throw new InputError(path, `cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)}); expected a corpus directory or an audio file`);
  }
  if (!isDir) return [path];
  const { entries, problems } = await listCorpus(path);
  for (const p of problems) console.error(`phonestream stats: skipped ${p.file}: ${p.message}`);
  return entries.map((e) => e.audioPath);
}

/** `phonestream stats CORPUS… --out FILE`: feature statistics for fixed normalisation. */
export const command: CliCommand = {
  name: 'stats',
  summary: 'per-dimension feature mean and variance over corpora (for fixed normalisation)',
  help: HELP,
  async run(argv) {
    const { values, positionals } = parseOptions('stats', argv, {
      out: { type: 'string' },
      dims: { type: 'string' },
      window: { type: 'string' },
    });
    if (positionals.length === 0) throw new ConfigError('stats: expected at least one corpus directory or audio file (see phonestream stats --help)');
    if (!values.out) throw new ConfigError('stats: --out FILE is required (where to write the statistics)');
    const dims = choiceOption('dims', values.dims, ['26', '39'] as const) ?? '26';
    const window = choiceOption('window', values.window, ['hamming', 'hann'] as const) ?? 'hamming';
    await checkOutputPaths('stats', [['out', values.out, 'file']]);
    const cfg: FeatureConfig = { ...DEFAULT_FEATURE_CONFIG, deltaOrder: dims === '39' ? 2 : 1, window, normalization: { kind: 'none' } };
    const features = toFeatureFrames(cfg);
    const stats = new RunningStats(featureDims(cfg));

    const onWarning = warnOnce((line) => process.stderr.write(`phonestream stats: ${line}`));
    const files: string[] = [];
    for (const p of positionals) files.push(...(await audioFilesOf(p)));
    let utterances = 0;
    for (const file of files) {
      let samples: Float32Array;
      try {
        samples = (await readAudioFile(file, { onWarning })).samples;
        assertAtLeastOneFrame(samples.length, file, cfg.windowSize);
      } catch (err) {
        if (!(err instanceof InputError)) throw err;
        console.error(`phonestream stats: skipped ${err.message}`);
        continue;
      }
      await from([samples])
        .pipe(features)
        .forEach((f) => stats.add(f.features));
      utterances++;
    }
    if (stats.count === 0) throw new InputError(positionals.join(' '), 'no frames: no readable audio of at least 25 ms');
    const { window: w, deltaOrder, numCepstra, melBands, preEmphasis, sampleScale } = cfg;
    const json = { ...stats.toJSON(), utterances, config: { window: w, deltaOrder, numCepstra, melBands, preEmphasis, sampleScale } };
    try {
      await writeFile(values.out, JSON.stringify(json, null, 1) + '\n');
    } catch (err) {
      throw new InputError(values.out, `cannot write statistics (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
    console.error(`phonestream stats: ${utterances} files, ${stats.count} frames, ${stats.dims} dims → ${values.out}`);
    return 0;
  },
};
