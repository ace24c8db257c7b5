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
  /** false for the BLSTM: it reads the whole utterance before its first output, so it cannot stream. */
  streamable?: boolean;
  /** Why training stopped: the epoch limit, or `patience` epochs without a better validation accuracy. */
  stoppedBy?: 'max-epochs' | 'patience';
  /** Each epoch: mean training loss, validation accuracy after it, its wall seconds. */
  history?: { epoch: number; trainLoss: number; validationAccuracy: number; seconds: number }[];
}

/** The training settings both frameworks used (`phonestream ceilings`' options). */
export interface CeilingsSettings {
  corpora: string[];
  /** Units per direction. */
  hidden: number;
  /** Utterances per batch, cut from the fit files sorted by length. */
  batch: number;
  /** Adam's learning rate (β 0.9/0.999, ε 1e-8). */
  lr: number;
  maxEpochs: number;
  patience: number;
  seed: number;
  /** The study's split the files were divided by (see STUDY_SPLIT). */
  split: { heldOut: number; splitSeed: number; validationHeldOut: number; validationSplitSeed: number };
  /** The TensorFlow.js backend, and the PyTorch version and threads when it ran. */
  tfjsBackend: string;
  torch: string | null;
  torchThreads: number | null;
}

/** tfjs − PyTorch held-out accuracy of one model, in points, and whether it is within the agreement bound. */
export interface CeilingAgreement {
  points: number;
  withinBound: boolean;
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
  /** The two frameworks' difference per model (null until PyTorch has run), and the bound (1.5 points). */
  agreement?: { boundPoints: number; lstm: CeilingAgreement; blstm: CeilingAgreement } | null;
  settings?: CeilingsSettings;
  /** Wall seconds of the whole `phonestream ceilings` run: export, both frameworks, both models. */
  seconds?: number;
  /** When the run finished (ISO 8601). */
  finishedAt?: string;
}
