/**
 * The size of an LSTM phone classifier: `layers` stacked unidirectional LSTM layers of `hiddenSize`
 * units over `inputSize` features per frame, then a linear layer and a softmax over `outputSize` classes.
 *
 * ## Example
 * ```ts
 * const shape: LstmShape = { inputSize: 39, hiddenSize: 128, layers: 1, outputSize: 61 };
 * ```
 */
export interface LstmShape {
  /** Features per frame (e.g. 39 MFCC + deltas). */
  inputSize: number;
  /** Units per LSTM layer. */
  hiddenSize: number;
  /** Stacked LSTM layers: 1 or 2. */
  layers: number;
  /** Classes of the softmax output (the phone set). */
  outputSize: number;
}
