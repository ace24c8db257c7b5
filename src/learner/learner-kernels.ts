/**
 * Every tfjs kernel the learner engine dispatches: the optimisers' updates (Adam, momentum SGD),
 * restoring an optimiser's state, and reading the flat parameter variable. The LSTM math itself
 * runs on typed arrays, so it needs no kernel. A test profiles the real calls on the cpu backend
 * and fails when this list misses one, so `checkKernels` cannot silently pass.
 */
export const LEARNER_KERNELS: readonly string[] = [
  'Add', 'Multiply', 'Sub', 'RealDiv', 'Square', 'Sqrt', 'ZerosLike', 'Pow', 'Cast', 'Identity',
];
