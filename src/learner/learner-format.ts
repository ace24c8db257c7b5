// The saved learner's format marks, apart from the saver (which needs fs and crypto) so that a
// reader in a browser can check them.

/** The `format` field of a saved learner's model.json. */
export const LEARNER_FORMAT = 'phonestream-learner';
/**
 * Version of what `userDefinedMetadata.phonestream` holds. 2: the feature file is named by
 * model.json (`featuresFile`) rather than being `features.json`, so the two cannot come from
 * different saves; a reader of version 1 refuses it rather than pair it with a stale features.json.
 */
export const LEARNER_FORMAT_VERSION = 2;
