import type { LearnerConfig } from '../learner/learner-config.ts';
import { choiceOption, numberOption } from './parse-options.ts';

/** The learner options shared by `replay` and `serve` (parseArgs specs). */
export const LEARNER_OPTION_SPECS = {
  algorithm: { type: 'string' },
  preset: { type: 'string' },
  k1: { type: 'string' },
  k2: { type: 'string' },
  truncation: { type: 'string' },
  hidden: { type: 'string' },
  layers: { type: 'string' },
  delay: { type: 'string' },
  optimizer: { type: 'string' },
  lr: { type: 'string' },
  momentum: { type: 'string' },
  clip: { type: 'string' },
  seed: { type: 'string' },
  'reuse-activations': { type: 'boolean' },
} as const;

/** Help lines for {@link LEARNER_OPTION_SPECS}, with their defaults. */
export const LEARNER_OPTIONS_HELP = `Learner options (ignored with --load, except --lr, --clip, and --algorithm with its --k1):
  --algorithm tbptt|rtrl|snap1|eprop|uoro
                      how gradients are found (default tbptt, with the presets below);
                      the others carry credit forward with no window and update after every
                      frame (--k1 N: every N frames): rtrl exact (small models only), snap1,
                      eprop and uoro approximations of it
  --preset tbptt|framewise|utterance
                      tbptt: TBPTT(k1, k2) (default); framewise: an update after every frame
                      (k1 = 1, k2 as given); utterance: one update per utterance (full BPTT)
  --k1 N              frames between weight updates (default 20; 1 for the forward-mode algorithms)
  --k2 N              steps the gradient flows back (default 20; may be <, = or > k1)
  --truncation window|per-frame
                      window (default): the gradient flows through the last k2 steps of each chunk
                      per-frame: each frame's loss flows back k2 steps from that frame (slower)
  --hidden N          LSTM units per layer (default 128)
  --layers 1|2        stacked LSTM layers (default 1)
  --delay N           target delay in frames: output t is trained on label t-N (default 0)
  --optimizer adam|sgd (default adam; sgd uses momentum 0.9)
  --lr X              learning rate (default 0.001 for adam, 0.01 for sgd)
  --momentum X        sgd momentum (default 0.9)
  --clip X            gradient global-norm clipping, 0 to turn off (default 1)
  --seed N            weight initialisation seed (default 1)
  --reuse-activations for k2 > k1, reuse the online activations instead of recomputing the
                      window (faster, approximate: the weights changed since)`;

type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

/**
 * The options that still apply to a loaded checkpoint: the learning rate, clipping, and the
 * algorithm (a checkpoint holds weights and optimiser state, which any algorithm can train on)
 * with its k1 when one is given.
 */
export function loadOverridesFrom(options: Partial<LearnerConfig>): Partial<LearnerConfig> {
  const { lr, clip, algorithm, k1 } = options;
  return {
    ...(lr !== undefined && { lr }),
    ...(clip !== undefined && { clip }),
    ...(algorithm !== undefined && { algorithm }),
    ...(algorithm !== undefined && k1 !== undefined && { k1 }),
  };
}

/** The option each LearnerConfig field comes from. */
const OPTION_OF: Partial<Record<keyof LearnerConfig, string>> = {
  algorithm: 'algorithm',
  preset: 'preset',
  k1: 'k1',
  k2: 'k2',
  truncation: 'truncation',
  hiddenSize: 'hidden',
  layers: 'layers',
  delay: 'delay',
  optimizer: 'optimizer',
  lr: 'lr',
  momentum: 'momentum',
  clip: 'clip',
  seed: 'seed',
  reuseActivations: 'reuse-activations',
};

const asOption = (key: keyof LearnerConfig, value: unknown): string =>
  key === 'reuseActivations' ? '--reuse-activations' : `--${OPTION_OF[key] ?? key} ${key === 'clip' && value === null ? 0 : String(value)}`;

/**
 * The warnings for learner options given with --load: those that override the checkpoint's value
 * (see {@link loadOverridesFrom}) and those ignored (the checkpoint's value kept), one line each
 * kind, or none when no learner option was given. `label` starts each line (`--load runs/a`).
 *
 * @example loadOptionWarnings({ lr: 0.01, hiddenSize: 64 }, '--load runs/a')
 * // ['--load runs/a: --lr 0.01 overrides the checkpoint\'s value', '--load runs/a: ignored (the checkpoint\'s value kept): --hidden 64']
 */
export function loadOptionWarnings(options: Partial<LearnerConfig>, label: string): string[] {
  const overrides = loadOverridesFrom(options);
  // in the help's order, whatever order they were given in
  const keys = (Object.keys(OPTION_OF) as (keyof LearnerConfig)[]).filter((k) => options[k] !== undefined);
  const overriding = keys.filter((k) => k in overrides).map((k) => asOption(k, options[k]));
  const ignored = keys.filter((k) => !(k in overrides)).map((k) => asOption(k, options[k]));
  const lines: string[] = [];
  if (overriding.length > 0) {
    lines.push(`${label}: ${overriding.join(', ')} override${overriding.length === 1 ? 's' : ''} the checkpoint's value${overriding.length === 1 ? '' : 's'}`);
  }
  if (ignored.length > 0) {
    lines.push(`${label}: ignored (the checkpoint's value kept): ${ignored.join(', ')}${'k1' in options && !('algorithm' in options) ? ' (--k1 applies only with --algorithm)' : ''}`);
  }
  return lines;
}

/** The learner options a user gave (absent ones left out, so the learner's defaults apply). */
export function learnerOptionsFrom(values: Values): Partial<LearnerConfig> {
  const out: Partial<LearnerConfig> = {};
  const set = <K extends keyof LearnerConfig>(key: K, v: LearnerConfig[K] | undefined) => {
    if (v !== undefined) out[key] = v;
  };
  set('algorithm', choiceOption('algorithm', values.algorithm, ['tbptt', 'rtrl', 'snap1', 'eprop', 'uoro'] as const));
  set('preset', choiceOption('preset', values.preset, ['tbptt', 'framewise', 'utterance'] as const));
  set('k1', numberOption('k1', values.k1, { min: 1, integer: true }));
  set('k2', numberOption('k2', values.k2, { min: 1, integer: true }));
  set('truncation', choiceOption('truncation', values.truncation, ['window', 'per-frame'] as const));
  set('hiddenSize', numberOption('hidden', values.hidden, { min: 1, max: 4096, integer: true }));
  set('layers', numberOption('layers', values.layers, { min: 1, max: 2, integer: true }));
  set('delay', numberOption('delay', values.delay, { min: 0, max: 100, integer: true }));
  set('optimizer', choiceOption('optimizer', values.optimizer, ['adam', 'sgd'] as const));
  set('lr', numberOption('lr', values.lr, { min: 0, max: 10 }));
  set('momentum', numberOption('momentum', values.momentum, { min: 0, max: 1 }));
  const clip = numberOption('clip', values.clip, { min: 0 });
  if (clip !== undefined) out.clip = clip === 0 ? null : clip;
  set('seed', numberOption('seed', values.seed, { integer: true }));
  if (values['reuse-activations'] === true) out.reuseActivations = true;
  return out;
}
