import { ConfigError } from '../errors.ts';
import type { ForwardGradientName } from './algorithms/forward-gradient.ts';

const ALGORITHMS: readonly LearnerAlgorithm[] = ['tbptt', 'rtrl', 'snap1', 'eprop', 'uoro'];

/** How the stream is cut into training windows. */
export type LearnerPreset = 'tbptt' | 'framewise' | 'utterance';

/**
 * How a training stream turns its frames' losses into gradients: `tbptt`, backpropagation through
 * a window of stored steps (the presets above), or a forward-mode method that carries credit
 * forward and needs no window (issue 9): `rtrl` exact, `snap1`, `eprop` and `uoro` approximate.
 */
export type LearnerAlgorithm = 'tbptt' | ForwardGradientName;

/**
 * How TBPTT truncates a chunk's backward pass (issue 10). `window`: the chunk's losses flow back
 * through the last max(k1, k2) steps, the recurrence only through the last k2 of them, so with
 * k2 < k1 the labels of the chunk's first k1 − k2 frames reach the output layer but not the LSTM.
 * `per-frame`: each labelled frame's loss flows back k2 steps from that frame, wherever it is in the
 * chunk (the window reaches k2 − 1 steps before the chunk).
 */
export type LearnerTruncation = 'window' | 'per-frame';

const TRUNCATIONS: readonly LearnerTruncation[] = ['window', 'per-frame'];

/** The optimiser that applies each chunk's gradient. */
export type LearnerOptimizer = 'adam' | 'sgd';

/**
 * What a user may set when creating a learner; everything but `inputSize` and `phones` has a
 * default (see {@link DEFAULT_LEARNER_CONFIG}).
 */
export interface LearnerConfig {
  /** Features per frame (26 for 12 MFCC + energy + deltas, 39 with delta-deltas). */
  inputSize: number;
  /** The output set, in output order (the corpus's phone set). */
  phones: string[];
  /** Units per LSTM layer. Default 128. */
  hiddenSize?: number;
  /** Stacked LSTM layers, 1 or 2. Default 1. */
  layers?: number;
  /**
   * `tbptt` (default): TBPTT(k1, k2). `framewise`: an update after every frame (k1 = 1, k2 chosen,
   * default 20). `utterance`: one update per utterance over its whole length (full BPTT).
   */
  preset?: LearnerPreset;
  /**
   * Default `tbptt` (with its presets). The forward-mode methods update every frame by default
   * (`k1` frames per update when given); they keep no window, so `k2`, `preset` and
   * `reuseActivations` do not apply to them.
   */
  algorithm?: LearnerAlgorithm;
  /** Frames between updates (tbptt; default 20; forward-mode methods: default 1). */
  k1?: number;
  /** Steps the gradient flows back through the recurrence (tbptt, framewise; default 20). */
  k2?: number;
  /**
   * How the backward pass is truncated (tbptt and its presets only; see {@link LearnerTruncation}).
   * Default `window`.
   */
  truncation?: LearnerTruncation;
  /** Target delay in frames: the output at step t is trained on, and reported as, frame t − d. Default 0. */
  delay?: number;
  /** Default `adam`. */
  optimizer?: LearnerOptimizer;
  /** Learning rate. Default 1e-3 for adam, 1e-2 for sgd. */
  lr?: number;
  /** SGD momentum. Default 0.9 (Graves & Schmidhuber 2005). Only for `sgd`. */
  momentum?: number;
  /** Gradient global-norm clipping threshold; `null` turns clipping off. Default 1. */
  clip?: number | null;
  /** Seed of the initial weights. Default 1. */
  seed?: number;
  /**
   * For k2 > k1: reuse the activations computed online for the part of the window before the chunk
   * instead of recomputing it with the current weights. Faster, but approximate: those activations
   * were computed with weights that have been updated since. Default false (exact gradients).
   */
  reuseActivations?: boolean;
  /** False freezes the weights: streams may only predict. Default true. */
  trainable?: boolean;
  /**
   * The longest utterance a training stream of the `utterance` preset holds (its whole history is
   * kept for the one backward pass): a stream is refused up front when this many frames would not
   * fit in the kernel memory left, and a longer utterance is refused at the frame that exceeds it.
   * Default 60,000 (10 minutes). Other presets keep a bounded window and ignore it.
   */
  maxUtteranceFrames?: number;
}

/** A validated config with every default filled in. `k1`/`k2` are `Infinity` for `utterance`. */
export interface ResolvedLearnerConfig {
  inputSize: number;
  phones: string[];
  hiddenSize: number;
  layers: 1 | 2;
  preset: LearnerPreset;
  algorithm: LearnerAlgorithm;
  k1: number;
  k2: number;
  truncation: LearnerTruncation;
  delay: number;
  optimizer: LearnerOptimizer;
  lr: number;
  momentum: number;
  clip: number | null;
  seed: number;
  reuseActivations: boolean;
  trainable: boolean;
  maxUtteranceFrames: number;
}

/** The defaults of every optional {@link LearnerConfig} field (lr depends on the optimizer). */
export const DEFAULT_LEARNER_CONFIG = {
  hiddenSize: 128,
  layers: 1,
  preset: 'tbptt',
  algorithm: 'tbptt',
  k1: 20,
  k2: 20,
  truncation: 'window',
  delay: 0,
  optimizer: 'adam',
  adamLr: 1e-3,
  sgdLr: 1e-2,
  momentum: 0.9,
  clip: 1,
  seed: 1,
  reuseActivations: false,
  trainable: true,
  maxUtteranceFrames: 60_000,
} as const;

const KNOWN_FIELDS = new Set([
  'inputSize', 'phones', 'hiddenSize', 'layers', 'preset', 'algorithm', 'k1', 'k2', 'truncation', 'delay', 'optimizer',
  'lr', 'momentum', 'clip', 'seed', 'reuseActivations', 'trainable', 'maxUtteranceFrames',
]);

/**
 * Validates a learner config and fills in its defaults. Throws a ConfigError naming the option and
 * what was expected, at build time, before any tensor exists.
 *
 * @param config the user's options.
 * @returns the resolved config (k1 = k2 = Infinity for the `utterance` preset).
 *
 * ## Example
 * ```ts
 * const cfg = resolveLearnerConfig({ inputSize: 39, phones, preset: 'framewise', k2: 10 });
 * cfg.k1; // 1
 * ```
 */
export function resolveLearnerConfig(config: LearnerConfig): ResolvedLearnerConfig {
  if (config === null || typeof config !== 'object') {
    throw new ConfigError(`learner config: expected an object, got ${String(config)}`);
  }
  for (const key of Object.keys(config)) {
    if (!KNOWN_FIELDS.has(key)) throw new ConfigError(`learner config: unknown option "${key}"`);
  }
  const D = DEFAULT_LEARNER_CONFIG;
  const inputSize = positiveInt('inputSize', config.inputSize);
  const phones = phoneSet(config.phones);
  const hiddenSize = positiveInt('hiddenSize', config.hiddenSize ?? D.hiddenSize);
  const layers = config.layers ?? D.layers;
  if (layers !== 1 && layers !== 2) throw new ConfigError(`layers: expected 1 or 2, got ${String(layers)}`);
  const preset = config.preset ?? D.preset;
  const algorithm = config.algorithm ?? D.algorithm;
  if (!ALGORITHMS.includes(algorithm)) {
    throw new ConfigError(`algorithm: expected one of ${ALGORITHMS.join(', ')}, got ${JSON.stringify(algorithm)}`);
  }
  let k1: number;
  let k2: number;
  if (algorithm !== 'tbptt') {
    for (const key of ['k2', 'truncation', 'reuseActivations'] as const) {
      if (config[key] !== undefined) throw new ConfigError(`${key}: only for the tbptt algorithm; ${algorithm} keeps no window to backpropagate through`);
    }
    if (preset !== 'tbptt') throw new ConfigError(`preset: "${preset}" is a tbptt schedule; with algorithm ${algorithm} set k1 (frames per update) instead`);
    k1 = positiveInt('k1', config.k1 ?? 1);
    // one step: the gradient of a frame's loss needs only that step's activations and the traces
    k2 = 1;
  } else if (preset === 'tbptt') {
    k1 = positiveInt('k1', config.k1 ?? D.k1);
    k2 = positiveInt('k2', config.k2 ?? D.k2);
  } else if (preset === 'framewise') {
    if (config.k1 !== undefined && config.k1 !== 1) {
      throw new ConfigError(`k1: the framewise preset updates after every frame (k1 = 1), got ${String(config.k1)}`);
    }
    k1 = 1;
    k2 = positiveInt('k2', config.k2 ?? D.k2);
  } else if (preset === 'utterance') {
    for (const key of ['k1', 'k2'] as const) {
      if (config[key] !== undefined) {
        throw new ConfigError(`${key}: the utterance preset trains over whole utterances; leave k1 and k2 unset`);
      }
    }
    k1 = Infinity;
    k2 = Infinity;
  } else {
    throw new ConfigError(`preset: expected "tbptt", "framewise" or "utterance", got ${JSON.stringify(preset)}`);
  }
  const truncation = config.truncation ?? D.truncation;
  if (!TRUNCATIONS.includes(truncation)) {
    throw new ConfigError(`truncation: expected "window" or "per-frame", got ${JSON.stringify(truncation)}`);
  }
  const delay = nonNegativeInt('delay', config.delay ?? D.delay);
  const optimizer = config.optimizer ?? D.optimizer;
  if (optimizer !== 'adam' && optimizer !== 'sgd') {
    throw new ConfigError(`optimizer: expected "adam" or "sgd", got ${JSON.stringify(optimizer)}`);
  }
  const lr = positiveNumber('lr', config.lr ?? (optimizer === 'adam' ? D.adamLr : D.sgdLr));
  if (config.momentum !== undefined && optimizer !== 'sgd') {
    throw new ConfigError('momentum: only used by the sgd optimizer (adam has its own moments)');
  }
  const momentum = config.momentum ?? D.momentum;
  if (!Number.isFinite(momentum) || momentum < 0 || momentum >= 1) {
    throw new ConfigError(`momentum: expected a number in [0, 1), got ${String(momentum)}`);
  }
  const clip = config.clip === undefined ? D.clip : config.clip;
  if (clip !== null) positiveNumber('clip', clip);
  const seed = config.seed ?? D.seed;
  if (!Number.isInteger(seed)) throw new ConfigError(`seed: expected an integer, got ${String(seed)}`);
  const reuseActivations = bool('reuseActivations', config.reuseActivations ?? D.reuseActivations);
  const trainable = bool('trainable', config.trainable ?? D.trainable);
  const maxUtteranceFrames = positiveInt('maxUtteranceFrames', config.maxUtteranceFrames ?? D.maxUtteranceFrames);
  return {
    inputSize, phones, hiddenSize, layers, preset, algorithm, k1, k2, truncation, delay, optimizer, lr, momentum, clip,
    seed, reuseActivations, trainable, maxUtteranceFrames,
  };
}

function positiveInt(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    throw new ConfigError(`${name}: expected a positive integer, got ${describe(v)}`);
  }
  return v;
}

function nonNegativeInt(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
    throw new ConfigError(`${name}: expected an integer ≥ 0, got ${describe(v)}`);
  }
  return v;
}

function positiveNumber(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
    throw new ConfigError(`${name}: expected a positive number, got ${describe(v)}`);
  }
  return v;
}

function bool(name: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw new ConfigError(`${name}: expected true or false, got ${describe(v)}`);
  return v;
}

function phoneSet(phones: unknown): string[] {
  if (!Array.isArray(phones) || phones.length < 2) {
    throw new ConfigError(`phones: expected an array of at least 2 phone labels, got ${describe(phones)}`);
  }
  const seen = new Set<string>();
  for (const p of phones) {
    if (typeof p !== 'string' || p.length === 0) {
      throw new ConfigError(`phones: expected non-empty strings, got ${describe(p)}`);
    }
    if (seen.has(p)) throw new ConfigError(`phones: "${p}" appears twice`);
    seen.add(p);
  }
  return [...phones];
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return `an array of ${v.length}`;
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}
