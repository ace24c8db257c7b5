import { createRequire } from 'node:module';

/**
 * meyda's mel filterbank, taken from meyda itself so that ours is the same to the last bit. Node
 * loads meyda's CommonJS build (its ESM build has extensionless imports Node cannot resolve);
 * browser bundles use meyda-filter-bank.browser.ts, the same function from meyda's ESM build.
 */
const require = createRequire(import.meta.url);
const meydaUtilities = require('meyda/dist/node/utilities.js') as {
  createMelFilterBank(numFilters: number, sampleRate: number, bufferSize: number): number[][];
};

/** meyda's `createMelFilterBank`: `numFilters` rows of fftSize/2 + 1 weights. */
export const createMelFilterBank: (numFilters: number, sampleRate: number, bufferSize: number) => number[][] =
  meydaUtilities.createMelFilterBank;
