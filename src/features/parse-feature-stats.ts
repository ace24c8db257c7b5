import { InputError } from '../errors.ts';
import type { FeatureStats } from './feature-stats.ts';

/**
 * Checks parsed feature statistics (a stats file's JSON, or the `stats` of a checkpoint's feature
 * file): NaN, Infinity (JSON's `1e999`) or a negative variance would make every normalised
 * feature NaN without a word, so each is an InputError naming the file and the field.
 *
 * @param data the parsed JSON: `{dims?, frames?, mean[], variance[]}`
 * @param source the file, for messages
 * @param field where `data` sits in the file (e.g. `stats`), prefixed to field names in messages
 * @returns the statistics
 *
 * ## Example
 * ```ts
 * const stats = parseFeatureStats(JSON.parse(text).stats, 'ckpt/features.json', 'stats');
 * ```
 */
export function parseFeatureStats(data: unknown, source: string, field?: string): FeatureStats {
  const at = (name: string) => (field === undefined ? name : `${field}.${name}`);
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new InputError(source, `${field === undefined ? '' : `${field}: `}expected a JSON object with dims, frames, mean and variance`);
  }
  const o = data as Record<string, unknown>;
  const numbers = (name: string, nonNegative: boolean): number[] => {
    const v = o[name];
    if (!Array.isArray(v) || v.length === 0) throw new InputError(source, `field "${at(name)}" must be a non-empty array of numbers`);
    v.forEach((x, i) => {
      if (typeof x !== 'number' || !Number.isFinite(x) || (nonNegative && x < 0)) {
        throw new InputError(source, `${at(name)}[${i}] must be a finite${nonNegative ? ' non-negative' : ''} number, got ${typeof x === 'number' ? x : JSON.stringify(x)}`);
      }
    });
    return v as number[];
  };
  const mean = numbers('mean', false);
  const variance = numbers('variance', true);
  if (variance.length !== mean.length) {
    throw new InputError(source, `${at('mean')} has ${mean.length} values but ${at('variance')} has ${variance.length}`);
  }
  const dims = o.dims ?? mean.length;
  if (dims !== mean.length) throw new InputError(source, `${at('dims')} is ${JSON.stringify(dims)} but ${at('mean')} has ${mean.length} values`);
  const frames = o.frames ?? 0;
  if (typeof frames !== 'number' || !Number.isInteger(frames) || frames < 0) {
    throw new InputError(source, `${at('frames')} must be an integer ≥ 0, got ${JSON.stringify(frames)}`);
  }
  return { dims: mean.length, frames, mean, variance };
}
