import { readJsonFile } from '../io/read-json-file.ts';
import type { FeatureStats } from './feature-stats.ts';
import { parseFeatureStats } from './parse-feature-stats.ts';

/**
 * Reads feature statistics written by `phonestream stats` and checks them (see
 * `parseFeatureStats`), so a wrong or damaged file is reported by name and field instead of
 * producing NaN features.
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
  return parseFeatureStats(await readJsonFile(path, 'feature statistics'), path);
}
