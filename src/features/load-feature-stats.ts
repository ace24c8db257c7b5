import { InputError } from '../errors.ts';
import { readJsonFile } from '../io/read-json-file.ts';
import type { FeatureStats } from './feature-stats.ts';

/**
 * Reads feature statistics written by `phonestream stats` and checks their shape, so a wrong or
 * damaged file is reported by name and field instead of producing NaN features.
 *
 * @param path JSON file with `dims`, `frames`, `mean[]`, `variance[]`
 * @throws InputError naming the file and the bad field
 *
 * ## Example
 * ```ts
 * const stats = await loadFeatureStats('stats.json');
 * const cfg = { ...DEFAULT_FEATURE_CONFIG, normalization: { kind: 'fixed', stats } };
 * ```
 */
export async function loadFeatureStats(path: string): Promise<FeatureStats> {
  const data = await readJsonFile(path, 'feature statistics');
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new InputError(path, 'expected a JSON object with dims, frames, mean and variance');
  }
  const o = data as Record<string, unknown>;
  const numbers = (field: string, nonNegative: boolean): number[] => {
    const v = o[field];
    if (!Array.isArray(v) || v.length === 0) throw new InputError(path, `field "${field}" must be a non-empty array of numbers`);
    v.forEach((x, i) => {
      if (typeof x !== 'number' || !Number.isFinite(x) || (nonNegative && x < 0)) {
        throw new InputError(path, `${field}[${i}] must be a finite${nonNegative ? ' non-negative' : ''} number, got ${JSON.stringify(x)}`);
      }
    });
    return v as number[];
  };
  const mean = numbers('mean', false);
  const variance = numbers('variance', true);
  if (variance.length !== mean.length) {
    throw new InputError(path, `mean has ${mean.length} values but variance has ${variance.length}`);
  }
  const dims = o.dims ?? mean.length;
  if (dims !== mean.length) throw new InputError(path, `dims is ${JSON.stringify(dims)} but mean has ${mean.length} values`);
  const frames = o.frames ?? 0;
  if (typeof frames !== 'number' || !Number.isInteger(frames) || frames < 0) {
    throw new InputError(path, `frames must be an integer ≥ 0, got ${JSON.stringify(frames)}`);
  }
  return { dims: mean.length, frames, mean, variance };
}
