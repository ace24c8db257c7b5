/**
 * The feature file of version-1 checkpoints, beside model.json by this fixed name. Version 2
 * writes `features-<hash>.json` and names it in model.json (`featuresFile`).
 */
export const FEATURES_FILE = 'features.json';
