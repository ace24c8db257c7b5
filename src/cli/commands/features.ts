import { from, lastValueFrom, map, toArray } from 'rxjs';
import { readAudioFile } from '../../audio/read-audio-file.ts';
import { ConfigError } from '../../errors.ts';
import { assertAtLeastOneFrame } from '../../features/assert-at-least-one-frame.ts';
import { DEFAULT_FEATURE_CONFIG, type FeatureConfig, type FeatureNormalization } from '../../features/feature-config.ts';
import { loadFeatureStats } from '../../features/load-feature-stats.ts';
import { toFeatureFrames, type TimedFeatures } from '../../features/to-feature-frames.ts';
import type { CliCommand } from '../cli-command.ts';
import { choiceOption, numberOption, parseOptions } from '../parse-options.ts';
import { warnOnce } from '../warn-once.ts';

const HELP = `Usage: phonestream features FILE [options]

Prints the feature vectors of one audio file, one line per 10 ms frame, so you can compare them
with your own. FILE is a WAV (8/16/24/32-bit PCM, float, μ-law or A-law; any channels, any rate:
mixed to mono and resampled to 16 kHz), NIST SPHERE, FLAC or MP3 file. N samples give floor((N - 400) / 160) + 1 frames.

Features: 25 ms window (400 samples) every 10 ms (160), pre-emphasis 0.97, zero-padded to 512,
meyda's MFCCs c1..c12 (26 mel bands) + log energy, then their deltas (regression window 2);
with --dims 39, 13 + deltas + delta-deltas. Samples are scaled to the 16-bit range first.

Options:
  --format jsonl|csv      jsonl (default): {"t":0.01,"features":[...]} per line;
                          csv: t, then the features, comma-separated (no header unless --header)
  --header                with --format csv, a first line naming the columns
  --dims 26|39            26 (default): 13 statics + deltas; 39: + delta-deltas
  --window hamming|hann   analysis window (default hamming)
  --normalize none|running|fixed
                          none (default): raw features; running: running mean/variance of the
                          file so far (after --warmup frames); fixed: statistics from --stats
  --warmup N              frames held for the first running estimate (default 100 = 1 s)
  --stats FILE            statistics from 'phonestream stats' (implies --normalize fixed)
  --help                  this text

Example:
  phonestream features fixtures/corpus/ljspeech/wav/LJ001-0008.wav --format csv | head -3`;

const COLUMN_NAMES = (cfg: FeatureConfig): string[] => {
  const statics = [...Array.from({ length: cfg.numCepstra }, (_, i) => `c${i + 1}`), 'logE'];
  const names = [...statics, ...statics.map((s) => `d_${s}`)];
  if (cfg.deltaOrder === 2) names.push(...statics.map((s) => `dd_${s}`));
  return names;
};

/** Shortest decimal that reads back to the same float32 (9 significant digits always suffice). */
const f32Text = (x: number): string => String(Number(x.toPrecision(9)));

/** Writes to stdout, resolving when the chunk is flushed; a closed pipe (`| head`) ends quietly. */
function write(text: string): Promise<void> {
  return new Promise((resolve) => {
    if (!process.stdout.write(text)) process.stdout.once('drain', resolve);
    else resolve();
  });
}

/** `phonestream features FILE`: one line of features per frame. */
export const command: CliCommand = {
  name: 'features',
  summary: 'print the 26/39-dim MFCC frames of an audio file (jsonl or csv)',
  help: HELP,
  async run(argv) {
    const { values, positionals } = parseOptions('features', argv, {
      format: { type: 'string' },
      header: { type: 'boolean' },
      dims: { type: 'string' },
      window: { type: 'string' },
      normalize: { type: 'string' },
      warmup: { type: 'string' },
      stats: { type: 'string' },
    });
    if (positionals.length !== 1) {
      throw new ConfigError(`features: expected one audio file, got ${positionals.length} (see phonestream features --help)`);
    }
    const format = choiceOption('format', values.format, ['jsonl', 'csv'] as const) ?? 'jsonl';
    const dims = choiceOption('dims', values.dims, ['26', '39'] as const) ?? '26';
    const window = choiceOption('window', values.window, ['hamming', 'hann'] as const) ?? 'hamming';
    const warmupFrames = numberOption('warmup', values.warmup, { min: 0, max: 1_000_000, integer: true }) ?? 100;
    const normalize = choiceOption('normalize', values.normalize, ['none', 'running', 'fixed'] as const) ?? (values.stats ? 'fixed' : 'none');
    if (normalize === 'fixed' && !values.stats) throw new ConfigError('--normalize fixed needs --stats FILE (from phonestream stats)');
    if (values.stats && normalize !== 'fixed') throw new ConfigError(`--stats is only used with --normalize fixed, not ${normalize}`);
    if (values.header && format !== 'csv') throw new ConfigError('--header is only for --format csv');

    const normalization: FeatureNormalization =
      normalize === 'fixed'
        ? { kind: 'fixed', stats: await loadFeatureStats(values.stats as string) }
        : normalize === 'running'
          ? { kind: 'running', warmupFrames }
          : { kind: 'none' };
    const cfg: FeatureConfig = { ...DEFAULT_FEATURE_CONFIG, deltaOrder: dims === '39' ? 2 : 1, window, normalization };
    const features = toFeatureFrames(cfg); // validates before the file is read
    const audio = await readAudioFile(positionals[0], { onWarning: warnOnce() });
    assertAtLeastOneFrame(audio.samples.length, positionals[0], cfg.windowSize);

    let closed = false;
    process.stdout.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') closed = true;
      else throw err;
    });
    const line =
      format === 'jsonl'
        ? ({ t, features: f }: TimedFeatures) => `{"t":${t},"features":[${Array.from(f, f32Text).join(',')}]}\n`
        : ({ t, features: f }: TimedFeatures) => `${t},${Array.from(f, f32Text).join(',')}\n`;
    let out = format === 'csv' && values.header ? `t,${COLUMN_NAMES(cfg).join(',')}\n` : '';
    const lines = await lastValueFrom(from([audio.samples]).pipe(features, map(line), toArray()));
    for (let i = 0; i < lines.length && !closed; i += 1000) {
      out += lines.slice(i, i + 1000).join('');
      await write(out);
      out = '';
    }
    if (out && !closed) await write(out);
    return 0;
  },
};
