import { createMelFilterBank as meydaFilterBank } from 'meyda/dist/esm/utilities.js';

/**
 * meyda's mel filterbank in a browser bundle: the ESM build of the same function that
 * meyda-filter-bank.ts loads in Node (no `createRequire` in a browser).
 */
export const createMelFilterBank: (numFilters: number, sampleRate: number, bufferSize: number) => number[][] = meydaFilterBank;
