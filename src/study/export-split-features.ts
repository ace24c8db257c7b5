import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { listCorpora } from '../cli/list-corpora.ts';
import { discoverCorpusPhones } from '../cli/discover-corpus-phones.ts';
import type { CorpusEntry, CorpusProblem } from '../corpus/corpus-entry.ts';
import { loadUtterance } from '../corpus/load-utterance.ts';
import { InputError } from '../errors.ts';
import { DEFAULT_FEATURE_CONFIG, type FeatureConfig } from '../features/feature-config.ts';
import { featureDims } from '../features/feature-dims.ts';
import { frameCount } from '../features/frame-count.ts';
import { NORMALIZATION_FLOOR } from '../features/normalization-floor.ts';
import { RunningStats } from '../features/running-stats.ts';
import { unnormalizedFeatures } from '../features/unnormalized-features.ts';
import { labelFrames } from '../labels/label-frames.ts';
import { STUDY_SPLIT, studySplit } from './study-split.ts';

/** The three parts of the study's split, in the order the manifest lists them. */
export const SPLIT_PARTS = ['fit', 'validation', 'heldOut'] as const;
export type SplitPart = (typeof SPLIT_PARTS)[number];

/** One utterance of an exported part: its files relative to the manifest's directory. */
export interface ExportedUtterance {
  id: string;
  frames: number;
  /** `frames × dims` float32 little-endian, row after row, already normalised. */
  features: string;
  /** `frames` uint16 little-endian: each frame's index in `phones`. */
  labels: string;
}

/** DIR/manifest.json of {@link exportSplitFeatures}, which the PyTorch script reads too. */
export interface SplitManifest {
  format: 'phonestream-split-features/1';
  corpora: string[];
  dims: number;
  phones: string[];
  /** The study's split (see STUDY_SPLIT). */
  split: typeof STUDY_SPLIT;
  /**
   * Fixed normalisation with the statistics of every training frame (fit + validation):
   * (x − mean)/sqrt(variance + floor). It is what the study's held-out files are normalised with
   * (the replay's running statistics after a pass over the training files are exactly these).
   */
  normalization: { frames: number; mean: number[]; variance: number[]; floor: number };
  /** The feature options, normalisation left out (it is above). */
  features: Omit<FeatureConfig, 'normalization'>;
  parts: Record<SplitPart, ExportedUtterance[]>;
  /** Files left out: unreadable audio or labels, shorter than a frame. */
  skipped: CorpusProblem[];
}

/** An utterance in memory: normalised features and class indices. */
export interface FeatureSequence {
  id: string;
  frames: number;
  features: Float32Array;
  labels: Uint16Array;
}

export interface SplitFeatures {
  dims: number;
  phones: string[];
  parts: Record<SplitPart, FeatureSequence[]>;
}

export interface ExportSplitOptions {
  corpora: string[];
  /** The directory written: manifest.json and features/. */
  out: string;
  /** 26 (12 MFCC + log energy + deltas, the study's default) or 39 (+ delta-deltas). */
  dims?: 26 | 39;
  onProblem?: (p: CorpusProblem) => void;
}

/**
 * Writes the study's split of the corpora as features and frame labels: DIR/manifest.json
 * ({@link SplitManifest}) and DIR/features/<part>-<n>.f32 and .u16 per utterance. The features are
 * those the online learner sees: the same feature options (the replay's for `--dims`), the same
 * pipeline (`unnormalizedFeatures`, which the replay's feature workers use), each frame labelled
 * with the phone at its centre (`labelFrames`), the phone set the replay discovers (every label
 * file of the corpora, sorted), and the normalisation the study's held-out files get: fixed, with
 * the statistics of all the training files. The split is the study's (studySplit): the held-out
 * files of its final runs, and its validation part of the training files.
 *
 * @returns the manifest and the features in memory (for the tfjs trainer)
 *
 * ## Example
 * ```ts
 * const { manifest } = await exportSplitFeatures({ corpora: ['../shared/corpus'], out: 'ceilings/features' });
 * ```
 */
export async function exportSplitFeatures(o: ExportSplitOptions): Promise<{ manifest: SplitManifest; data: SplitFeatures }> {
  const problems: CorpusProblem[] = [];
  const onProblem = (p: CorpusProblem) => {
    problems.push(p);
    o.onProblem?.(p);
  };
  const listed = await listCorpora(o.corpora, onProblem);
  const { phones, entries } = await discoverCorpusPhones(listed, onProblem, o.corpora.join(', '));
  const config: FeatureConfig = { ...DEFAULT_FEATURE_CONFIG, deltaOrder: o.dims === 39 ? 2 : 1, normalization: { kind: 'none' } };
  const dims = featureDims(config);
  const index = new Map(phones.map((p, i) => [p, i]));
  if (phones.length > 65535) throw new InputError(o.corpora.join(', '), `${phones.length} phones: more than the 65535 a uint16 label holds`);
  const split = studySplit(entries);
  const raw: Record<SplitPart, FeatureSequence[]> = { fit: [], validation: [], heldOut: [] };
  const stats = new RunningStats(dims);
  for (const part of SPLIT_PARTS) {
    for (const entry of split[part] as CorpusEntry[]) {
      let seq: FeatureSequence;
      try {
        const u = await loadUtterance(entry);
        const features = unnormalizedFeatures(u.audio.samples, config, u.audioPath);
        const frames = features.length / dims;
        if (frames !== frameCount(u.audio.samples.length, config.windowSize, config.hopSize)) throw new Error(`${entry.audioPath}: ${frames} feature frames, expected ${frameCount(u.audio.samples.length, config.windowSize, config.hopSize)}`);
        const names = labelFrames(u.segments, frames, { sampleRate: config.sampleRate, hop: config.hopSize, window: config.windowSize });
        const labels = Uint16Array.from(names, (name, i) => {
          const k = index.get(name);
          if (k === undefined) throw new InputError(entry.labelPath, `frame ${i}: label "${name}" is not in the corpus's phone set (${phones.length} phones)`);
          return k;
        });
        seq = { id: entry.id, frames, features, labels };
      } catch (err) {
        if (!(err instanceof InputError)) throw err;
        onProblem({ file: err.source, message: err.message.slice(err.source.length + 2) });
        continue;
      }
      raw[part].push(seq);
      if (part !== 'heldOut') for (let i = 0; i < seq.frames; i++) stats.addAt(seq.features, i * dims);
    }
  }
  for (const part of SPLIT_PARTS) {
    if (raw[part].length === 0) throw new InputError(o.corpora.join(', '), `no usable utterance in the ${part} part of the study's split (${split[part].length} files listed)`);
  }
  const { mean, variance, frames } = stats.toJSON();
  const scale = variance.map((v) => 1 / Math.sqrt(v + NORMALIZATION_FLOOR));
  const out = resolve(o.out);
  await mkdir(join(out, 'features'), { recursive: true });
  const parts = { fit: [], validation: [], heldOut: [] } as Record<SplitPart, ExportedUtterance[]>;
  for (const part of SPLIT_PARTS) {
    for (const [n, seq] of raw[part].entries()) {
      // Normalised in place, as normalizeFixedBlocks does it (float64 arithmetic, float32 result).
      const f = seq.features;
      for (let i = 0; i < f.length; i++) f[i] = (f[i] - mean[i % dims]) * scale[i % dims];
      const name = `${part}-${n}`;
      await writeFile(join(out, 'features', `${name}.f32`), new Uint8Array(f.buffer, f.byteOffset, f.byteLength));
      await writeFile(join(out, 'features', `${name}.u16`), new Uint8Array(seq.labels.buffer, seq.labels.byteOffset, seq.labels.byteLength));
      parts[part].push({ id: seq.id, frames: seq.frames, features: `features/${name}.f32`, labels: `features/${name}.u16` });
    }
  }
  const { normalization: _, ...features } = config;
  const manifest: SplitManifest = {
    format: 'phonestream-split-features/1',
    corpora: o.corpora,
    dims,
    phones,
    split: STUDY_SPLIT,
    normalization: { frames, mean, variance, floor: NORMALIZATION_FLOOR },
    features,
    parts,
    skipped: problems,
  };
  await writeFile(join(out, 'manifest.json'), `${JSON.stringify(manifest, null, 1)}\n`);
  return { manifest, data: { dims, phones, parts: raw } };
}

/** The features of an exported split, read back from DIR (its manifest.json). */
export async function readSplitFeatures(dir: string): Promise<{ manifest: SplitManifest; data: SplitFeatures }> {
  const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as SplitManifest;
  const parts = { fit: [], validation: [], heldOut: [] } as Record<SplitPart, FeatureSequence[]>;
  for (const part of SPLIT_PARTS) {
    for (const u of manifest.parts[part]) {
      const [f, l] = await Promise.all([readFile(join(dir, u.features)), readFile(join(dir, u.labels))]);
      // Copied: a Buffer's offset into Node's pool need not be aligned for a typed array.
      const features = new Float32Array(f.byteLength / 4);
      new Uint8Array(features.buffer).set(f);
      const labels = new Uint16Array(l.byteLength / 2);
      new Uint8Array(labels.buffer).set(l);
      if (features.length !== u.frames * manifest.dims || labels.length !== u.frames) throw new InputError(join(dir, u.features), `expected ${u.frames} frames of ${manifest.dims} features and labels`);
      parts[part].push({ id: u.id, frames: u.frames, features, labels });
    }
  }
  return { manifest, data: { dims: manifest.dims, phones: manifest.phones, parts } };
}
