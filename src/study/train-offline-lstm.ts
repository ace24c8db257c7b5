import * as tf from '@tensorflow/tfjs';
import { mulberry32 } from '../learner/math-mulberry32.ts';
import { cohenKappa, type ConfusionCell } from '../metrics/cohen-kappa.ts';
import type { CeilingFigures } from './ceilings-report.ts';
import { earlyStopping } from './early-stopping.ts';
import type { FeatureSequence, SplitFeatures } from './export-split-features.ts';

/** The training settings of both ceiling trainers (tfjs here, scripts/offline-ceilings.py). */
export interface OfflineLstmSettings {
  /** Units per direction. */
  hidden: number;
  /** Utterances per batch (batches are cut from the utterances sorted by length). */
  batch: number;
  /** Adam's learning rate (β1 0.9, β2 0.999, ε 1e-8: PyTorch's defaults). */
  lr: number;
  maxEpochs: number;
  /** Epochs without a better validation accuracy before stopping. */
  patience: number;
  /** Seeds the initial weights and the batch order. */
  seed: number;
}

/** One epoch of training: its mean training loss, the validation accuracy after it, its time. */
export interface OfflineEpoch {
  epoch: number;
  trainLoss: number;
  validationAccuracy: number;
  seconds: number;
  /** tf.memory().numTensors after the epoch (flat from epoch to epoch when nothing leaks). */
  tensors: number;
}

export interface OfflineLstmResult extends CeilingFigures {
  history: OfflineEpoch[];
  stoppedBy: 'max-epochs' | 'patience';
}

/**
 * Batches of utterance indices: the utterances sorted by length (ties by position), cut into runs
 * of `batch`, so each batch pads little. The PyTorch script cuts the same batches.
 */
export function lengthBatches(seqs: readonly { frames: number }[], batch: number): number[][] {
  const order = seqs.map((s, i) => i).sort((a, b) => seqs[a].frames - seqs[b].frames || a - b);
  const out: number[][] = [];
  for (let i = 0; i < order.length; i += batch) out.push(order.slice(i, i + batch));
  return out;
}

/** A batch as tensors, its utterances right-padded with zeros to the longest. */
interface Batch {
  /** Features [B, T, D]. */
  x: tf.Tensor3D;
  /** Each utterance's real frames in reverse order, then its padding [B, T, D] (the BLSTM's backward input). */
  xRev: tf.Tensor3D | null;
  /** Row b·T + t of the backward outputs that belongs to frame t: its own reversal (an involution), [B·T]. */
  rev: tf.Tensor1D | null;
  /** Labels [B, T], int32 (0 on padding). */
  y: tf.Tensor2D;
  /** 1 on real frames, 0 on padding [B, T]. */
  mask: tf.Tensor2D;
  frames: number;
}

function batchTensors(seqs: readonly FeatureSequence[], idx: readonly number[], dims: number, reversed: boolean): Batch {
  const T = Math.max(...idx.map((i) => seqs[i].frames));
  const B = idx.length;
  const x = new Float32Array(B * T * dims);
  const xr = reversed ? new Float32Array(B * T * dims) : null;
  const rev = reversed ? Int32Array.from({ length: B * T }, (_, k) => k) : null;
  const y = new Int32Array(B * T);
  const m = new Float32Array(B * T);
  let frames = 0;
  idx.forEach((i, b) => {
    const s = seqs[i];
    x.set(s.features, b * T * dims);
    y.set(s.labels, b * T);
    m.fill(1, b * T, b * T + s.frames);
    if (xr !== null && rev !== null) {
      for (let t = 0; t < s.frames; t++) {
        xr.set(s.features.subarray((s.frames - 1 - t) * dims, (s.frames - t) * dims), (b * T + t) * dims);
        rev[b * T + t] = b * T + s.frames - 1 - t;
      }
    }
    frames += s.frames;
  });
  return {
    x: tf.tensor3d(x, [B, T, dims]),
    xRev: xr === null ? null : tf.tensor3d(xr, [B, T, dims]),
    rev: rev === null ? null : tf.tensor1d(rev, 'int32'),
    y: tf.tensor2d(y, [B, T], 'int32'),
    mask: tf.tensor2d(m, [B, T]),
    frames,
  };
}

const disposable = (b: Batch): tf.Tensor[] => [b.x, b.y, b.mask, ...(b.xRev === null ? [] : [b.xRev]), ...(b.rev === null ? [] : [b.rev])];

/** Rows of `x` [N, H] permuted by `perm`, a permutation that is its own inverse, so that the gradient is the same gather (the wasm backend has no UnsortedSegmentSum for gather's own). */
const gatherInvolution = (x: tf.Tensor2D, perm: tf.Tensor1D): tf.Tensor2D =>
  tf.customGrad((a, p, save) => {
    (save as (t: tf.Tensor[]) => void)([p as tf.Tensor1D]);
    return { value: tf.gather(a as tf.Tensor2D, p as tf.Tensor1D), gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [tf.gather(dy, saved[0]), tf.zerosLike(saved[0])] };
  })(x, perm) as tf.Tensor2D;

/**
 * The offline ceiling of the study: an LSTM (unidirectional, streamable in principle) or a BLSTM
 * (bidirectional: it reads the whole utterance, so it is not streamable) of `hidden` units per
 * direction and a softmax layer, trained by TensorFlow.js layers (tf.layers.lstm, two of them for
 * the BLSTM, concatenated, and tf.layers.dense) in a custom loop: batched full-utterance BPTT with
 * utterances right-padded (the backward direction reads each utterance reversed, then its padding,
 * as PyTorch's packed sequences do, so padding never reaches a real frame in either direction) and
 * left out of the loss (mean cross-entropy over real frames), Adam, an epoch over the fit part's
 * batches in a seeded random order, the validation part scored after each epoch, early stopping
 * (see earlyStopping), and the weights of
 * the best validation epoch restored to score the held-out part.
 *
 * Initialisation, as in scripts/offline-ceilings.py: input kernels Glorot-uniform, recurrent
 * kernels orthogonal, biases 0 except the forget gate's 1 (Keras' unitForgetBias; in PyTorch
 * bias_ih's forget rows 1 and bias_hh 0), the output layer Glorot-uniform with bias 0; gates by
 * the logistic sigmoid (tfjs-layers' default is the hard sigmoid, PyTorch has only the sigmoid).
 * Every tensor it makes is disposed (tf.memory() is the same after each epoch).
 *
 * ## Example
 * ```ts
 * const { data } = await readSplitFeatures('ceilings/features');
 * const blstm = await trainOfflineLstm(data, true, { hidden: 128, batch: 8, lr: 1e-3, maxEpochs: 30, patience: 3, seed: 1 });
 * ```
 */
export async function trainOfflineLstm(
  data: SplitFeatures,
  bidirectional: boolean,
  s: OfflineLstmSettings,
  onEpoch?: (e: OfflineEpoch) => void,
): Promise<OfflineLstmResult> {
  const startedAt = performance.now();
  const { dims, phones } = data;
  const P = phones.length;
  const cell = (seed: number) =>
    tf.layers.lstm({
      units: s.hidden,
      returnSequences: true,
      recurrentActivation: 'sigmoid',
      kernelInitializer: tf.initializers.glorotUniform({ seed }),
      recurrentInitializer: tf.initializers.orthogonal({ seed: seed + 1 }),
      biasInitializer: 'zeros',
      unitForgetBias: true,
    });
  // The BLSTM is tf.layers.bidirectional's two LSTMs (concat), each direction over the real frames
  // only: the backward one reads each utterance reversed (padding after it, as PyTorch's packed
  // sequences do), so no per-step mask is needed (masking doubled the time per step).
  const forward = cell(s.seed);
  const backward = bidirectional ? cell(s.seed + 3) : null;
  const dense = tf.layers.dense({ units: P, kernelInitializer: tf.initializers.glorotUniform({ seed: s.seed + 2 }), biasInitializer: 'zeros' });
  // Built by a first call on one frame. The orthogonal initialiser warns (once per matrix) that
  // a matrix of more than 2000 elements is slow: it is not, once.
  const build = (layer: tf.layers.Layer, inputs: number) => {
    const warn = console.warn;
    console.warn = () => {};
    try {
      tf.tidy(() => void layer.apply(tf.zeros([1, 1, inputs])));
    } finally {
      console.warn = warn;
    }
  };
  build(forward, dims);
  if (backward !== null) build(backward, dims);
  build(dense, (bidirectional ? 2 : 1) * s.hidden);
  const layers = [forward, ...(backward === null ? [] : [backward]), dense];
  const variables = layers.flatMap((l) => l.trainableWeights.map((w) => (w as unknown as { read(): tf.Variable }).read()));
  const parameters = variables.reduce((n, v) => n + v.size, 0);
  const optimizer = tf.train.adam(s.lr, 0.9, 0.999, 1e-8);

  // Padding comes after an utterance's real frames in both directions' inputs, so it cannot reach
  // them (and it is left out of the loss and the scores).
  const logits = (b: Batch): tf.Tensor3D => {
    const h = forward.apply(b.x) as tf.Tensor3D;
    if (backward === null) return dense.apply(h) as tf.Tensor3D;
    const [B, T] = h.shape;
    const hRev = backward.apply(b.xRev!) as tf.Tensor3D;
    const hBack = gatherInvolution(tf.reshape(hRev, [B * T, s.hidden]), b.rev!).reshape([B, T, s.hidden]);
    return dense.apply(tf.concat([h, hBack], -1)) as tf.Tensor3D;
  };
  /** Framewise accuracy and the confusion cells of a part, batch by batch. */
  const score = (seqs: readonly FeatureSequence[]): { accuracy: number; cells: ConfusionCell[] } => {
    const counts = new Map<string, number>();
    let correct = 0;
    let frames = 0;
    for (const idx of lengthBatches(seqs, s.batch)) {
      const b = batchTensors(seqs, idx, dims, bidirectional);
      const predicted = tf.tidy(() => tf.argMax(logits(b), -1));
      const p = predicted.dataSync();
      const T = predicted.shape[1]!;
      tf.dispose([predicted, ...disposable(b)]);
      idx.forEach((i, k) => {
        const seq = seqs[i];
        for (let t = 0; t < seq.frames; t++) {
          const truth = seq.labels[t];
          const guess = p[k * T + t];
          if (truth === guess) correct++;
          const key = `${truth} ${guess}`;
          counts.set(key, (counts.get(key) ?? 0) + 1);
        }
        frames += seq.frames;
      });
    }
    const cells = [...counts].map(([key, n]): ConfusionCell => {
      const [t, g] = key.split(' ').map(Number);
      return [phones[t], phones[g], n];
    });
    return { accuracy: frames === 0 ? 0 : correct / frames, cells };
  };

  const fit = data.parts.fit;
  const batches = lengthBatches(fit, s.batch);
  const rand = mulberry32(s.seed);
  const history: OfflineEpoch[] = [];
  let best: tf.Tensor[] | undefined;
  let decision = earlyStopping([], s.patience, s.maxEpochs);
  try {
    while (!decision.stop) {
      const epochStart = performance.now();
      // Fisher–Yates over the batches: a new order every epoch.
      const order = batches.map((_, i) => i);
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(rand() * (i + 1));
        [order[i], order[j]] = [order[j], order[i]];
      }
      let lossSum = 0;
      let lossFrames = 0;
      for (const bi of order) {
        // The event loop between batches: a child's output (the PyTorch trainer's) and signals are
        // handled while this trains, not queued until it is done.
        await new Promise((resolve) => setImmediate(resolve));
        const b = batchTensors(fit, batches[bi], dims, bidirectional);
        const loss = optimizer.minimize(
          () =>
            tf.tidy(() => {
              const logp = tf.logSoftmax(logits(b));
              const picked = tf.sum(tf.mul(logp, tf.oneHot(b.y, P)), -1);
              return tf.neg(tf.div(tf.sum(tf.mul(picked, b.mask)), b.frames)) as tf.Scalar;
            }),
          true,
          variables,
        )!;
        lossSum += loss.dataSync()[0] * b.frames;
        lossFrames += b.frames;
        tf.dispose([loss, ...disposable(b)]);
      }
      const validationAccuracy = score(data.parts.validation).accuracy;
      const epoch = history.length + 1;
      decision = earlyStopping([...history.map((h) => h.validationAccuracy), validationAccuracy], s.patience, s.maxEpochs);
      if (decision.bestEpoch === epoch) {
        tf.dispose(best ?? []);
        best = layers.flatMap((l) => l.getWeights().map((w) => w.clone()));
      }
      const record = { epoch, trainLoss: lossSum / lossFrames, validationAccuracy, seconds: (performance.now() - epochStart) / 1000, tensors: tf.memory().numTensors };
      history.push(record);
      onEpoch?.(record);
      if (!Number.isFinite(record.trainLoss)) throw new Error(`offline ${bidirectional ? 'BLSTM' : 'LSTM'}: training loss ${record.trainLoss} in epoch ${epoch} (lower --lr)`);
    }
    // The best epoch's weights back, to score the held-out part.
    let at = 0;
    for (const l of layers) {
      const n = l.getWeights().length;
      l.setWeights(best!.slice(at, at + n));
      at += n;
    }
    const held = score(data.parts.heldOut);
    return {
      heldOutAccuracy: held.accuracy,
      heldOutKappa: cohenKappa(held.cells),
      validationAccuracy: history[decision.bestEpoch - 1].validationAccuracy,
      epochs: history.length,
      bestEpoch: decision.bestEpoch,
      seconds: (performance.now() - startedAt) / 1000,
      parameters,
      history,
      stoppedBy: decision.reason!,
    };
  } finally {
    tf.dispose(best ?? []);
    optimizer.dispose();
    for (const l of layers) disposeWeights(l);
  }
}

/** A layer's variables disposed (Layer.dispose refuses a layer never applied to a symbolic input, as these are not). */
function disposeWeights(layer: tf.layers.Layer): void {
  (layer as unknown as { disposeWeights(): number }).disposeWeights();
}
