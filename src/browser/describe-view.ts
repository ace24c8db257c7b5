import type { ReplayAbout } from './replay-about.ts';
import type { TrainingSeries, ViewState } from './view-state.ts';

/** Every text and flag the page shows, derived from the view state (so it can be tested in Node). */
export interface ViewText {
  /** `data-state` of the connection badge: idle, connecting, open, closed. */
  connectionState: string;
  connection: string;
  backend: string;
  stream: string;
  frames: string;
  dropped: string;
  server: string;
  /** Where the big phone comes from, e.g. "your microphone (s1)" or "stream replay". */
  source: string;
  /** `pressed`: the microphone is (being) switched on, styled as the Stop button. */
  micButton: { label: string; pressed: boolean; disabled: boolean };
  /** The runner-up phones of the current frame, e.g. "also eh 20 % · ah 7 %". */
  alternatives: string;
  /** Some strip item carries a reference label (show the legend for mismatches). */
  labelled: boolean;
  trainingSource: string;
  accuracy: string;
  /** What the accuracy measures: prequential on first sight, training accuracy on later passes. */
  accuracyName: string;
  trainingNote: string;
  loss: string;
  /** Why there is no loss curve (the plotted stream does not train), or '' when there is one. */
  lossEmpty: string;
}

const NUMBER = new Intl.NumberFormat('en');

/**
 * Derives the page's texts from the view state: the status line, the microphone button, the
 * captions of the plots.
 *
 * @param state - the current view state.
 * @returns the texts to put on the page.
 *
 * ## Example
 * ```ts
 * describeView(initialViewState()).micButton.label; // 'Start microphone'
 * ```
 */
export function describeView(state: ViewState): ViewText {
  const consumer = state.sockets.consumer;
  const connection =
    consumer === 'open'
      ? `Connected${state.protocol === undefined ? '' : ` · protocol ${state.protocol}`}`
      : consumer === 'closed'
        ? 'Disconnected, retrying…'
        : 'Connecting…';
  const mine = state.shown !== undefined && state.ownStreams.includes(state.shown);
  const training = state.training;
  const lastAccuracy = training ? lastFinite(training.accuracy) : undefined;
  const lastLoss = training ? lastFinite(training.loss) : undefined;
  return {
    connectionState: consumer,
    connection,
    backend: state.backend ?? '–',
    stream: state.shown ?? '–',
    // The server's count when the shown stream is the plotted one, so the footer and the training
    // card agree (the page may have joined the stream part-way).
    frames: NUMBER.format(training && training.stream === state.shown ? training.frames : state.frames),
    dropped: NUMBER.format(state.dropped.consumer + state.dropped.producer),
    server: state.server ?? '',
    source:
      state.shown === undefined
        ? state.mic === 'on' || state.mic === 'starting'
          ? 'listening…'
          : 'waiting for a stream'
        : `${mine ? `your microphone (${state.shown})` : `stream ${state.shown}`}${state.shownEnded ? ', ended' : ''}`,
    micButton: micButton(state),
    alternatives: alternatives(state),
    labelled: state.strip.some((s) => s.labelled > 0),
    trainingSource: training
      ? `stream ${training.stream} · ${NUMBER.format(training.frames)} frames · ${NUMBER.format(Math.round(training.framesPerSecond))} frames/s${training.trains ? '' : ' · predicted only'}`
      : 'no labelled stream yet (serve with --replay to follow a corpus)',
    accuracy: lastAccuracy === undefined ? '–' : `${(lastAccuracy * 100).toFixed(1)} %`,
    ...accuracyMeaning(training, state.replay),
    loss: lastLoss === undefined ? '–' : lastLoss.toFixed(3),
    lossEmpty: !training ? 'waiting for metrics' : training.trains ? '' : 'no loss: the model does not learn from this stream',
  };
}

const percent = (x: number) => `${(x * 100).toFixed(1)} %`;

/**
 * What the plotted accuracy is, exactly: a frozen model's score on a replay it was (or was not)
 * trained on, prequential on audio first heard, or a training score on frames already learned from.
 */
function accuracyMeaning(training: TrainingSeries | undefined, replay: ReplayAbout | undefined): Pick<ViewText, 'accuracyName' | 'trainingNote'> {
  const pass = training?.pass;
  const onReplay = replay !== undefined && training !== undefined && training.stream === replay.stream;
  const heldOut = replay?.heldOutAccuracy === undefined ? '' : ` On files held out of its training it scored ${percent(replay.heldOutAccuracy)}.`;
  const files = replay ? `${replay.utterances} replayed utterance${replay.utterances === 1 ? '' : 's'}` : 'replayed utterances';
  if (training && !training.trains) {
    if (!onReplay) {
      return {
        accuracyName: `Accuracy (stream ${training.stream}, not learning)`,
        trainingNote: 'Framewise accuracy of the served model on this labelled stream, which it does not learn from.',
      };
    }
    const model = replay.model === 'bundled' ? 'the bundled model' : replay.model === 'fresh' ? 'an untrained model' : 'the loaded model';
    const seen =
      replay.trainedOnReplay === true
        ? ` It was trained on these utterances, so this is a training score, not a test score.${heldOut}`
        : replay.trainedOnReplay === false
          ? ' It has never learned from them (serve --train to train it on the replay).'
          : ' The server does not know whether it was trained on them; if it was, this is a training score.';
    return {
      accuracyName: `Accuracy of ${model}, not learning, on the replay`,
      trainingNote: `Framewise accuracy of ${model} on the ${files}, which it predicts without learning from them.${seen}`,
    };
  }
  if (onReplay && replay.trainedOnReplay === true) {
    return {
      accuracyName: `Training accuracy${pass === undefined ? '' : ` (pass ${pass})`}`,
      trainingNote: `The model learns from the ${files} as they play, and it was trained on them before serving, so this is a training score, not a test score.${heldOut}`,
    };
  }
  if (pass === undefined || pass === 1) {
    return {
      accuracyName: pass === 1 ? 'Prequential accuracy (pass 1)' : 'Prequential accuracy',
      trainingNote: 'Prequential: each frame is predicted before the model learns from its label, on audio it has not learned from before.',
    };
  }
  return {
    accuracyName: `Training accuracy (pass ${pass})`,
    trainingNote: `Pass ${pass} over the replayed corpus: each frame is still predicted before this pass learns from it, but the model learned from the same frames in earlier passes, so this is a training score, not a test score.`,
  };
}

function micButton(state: ViewState): ViewText['micButton'] {
  switch (state.mic) {
    case 'starting':
      return { label: 'Starting…', pressed: true, disabled: true };
    case 'on':
      return { label: 'Stop microphone', pressed: true, disabled: false };
    case 'stopping':
      return { label: 'Stopping…', pressed: false, disabled: true };
    default:
      return { label: 'Start microphone', pressed: false, disabled: false };
  }
}

function alternatives(state: ViewState): string {
  const current = state.current;
  if (!current) return '';
  const others = current.top.filter(([label]) => label !== current.label).slice(0, 2);
  return others.length === 0 ? '' : `also ${others.map(([label, p]) => `${label} ${Math.round(p * 100)} %`).join(' · ')}`;
}

function lastFinite(series: readonly number[]): number | undefined {
  for (let k = series.length - 1; k >= 0; k--) if (Number.isFinite(series[k])) return series[k];
  return undefined;
}
