/**
 * Variance added before the square root when normalising, so a constant dimension (digital
 * silence, a frozen test signal) maps to 0 instead of dividing by zero.
 */
export const NORMALIZATION_FLOOR = 1e-8;
