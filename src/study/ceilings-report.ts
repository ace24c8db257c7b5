/**
 * OUT/ceilings.json: the offline ceilings the study compares its streaming learners with (the
 * comparison Graves & Schmidhuber drew): a unidirectional and a bidirectional LSTM trained batched
 * on whole utterances with early stopping, by TensorFlow.js (`phonestream ceilings`) and by the
 * committed PyTorch script on the same exported features (its `pytorch` entry; null until run).
 */
export interface CeilingFigures {
  /** Framewise accuracy on the study's held-out files, with the weights of the best validation epoch. */
  heldOutAccuracy: number;
  /** Cohen's kappa of the same held-out frames. */
  heldOutKappa: number | null;
  /** The best validation accuracy (the validation part of the training files), which chose the epoch. */
  validationAccuracy: number;
  /** Epochs trained (early stopping included) and the one whose weights were kept. */
  epochs: number;
  bestEpoch: number;
  /** Wall seconds of training and scoring. */
  seconds: number;
  /** Trainable parameters. */
  parameters: number;
}

export interface CeilingsReport {
  hidden: number;
  /** Feature dimensions (26: 12 MFCC + log energy + deltas). */
  dims: number;
  phones: number;
  fitFiles: number;
  validationFiles: number;
  heldOutFiles: number;
  /** Unidirectional (streamable in principle) and bidirectional (not streamable: it reads the whole utterance). */
  tfjs: { lstm: CeilingFigures; blstm: CeilingFigures };
  pytorch: { lstm: CeilingFigures; blstm: CeilingFigures } | null;
}
