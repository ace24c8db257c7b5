import cliProgress from 'cli-progress';

/** What a replay knows at a moment, for the progress display. */
export interface ProgressSnapshot {
  epoch: number;
  epochs: number;
  frames: number;
  /** Utterances done over all epochs (the bar's position) and in all (the bar's length). */
  utterances: number;
  totalUtterances: number;
  realTimeFactor: number;
  /** The pass's running accuracy: prequential in pass 1, on frames already learned from later. */
  accuracy: number | null;
  loss: number | null;
}

/** The name of the pass's accuracy: what it measures. */
const accuracyName = (s: ProgressSnapshot): string => (s.epoch === 1 ? 'prequential acc' : 'training acc');

export interface ProgressReporter {
  update(s: ProgressSnapshot): void;
  stop(): void;
}

const pct = (x: number | null) => (x === null ? '  -  ' : `${(100 * x).toFixed(1)}%`);
const num = (x: number | null) => (x === null ? '  -  ' : x.toFixed(3));

/**
 * A progress bar on a terminal (utterances, frames, real-time factor, the pass's running accuracy
 * named for what it is, loss, ETA);
 * plain log lines every `intervalMs` when stderr is not a TTY, so CI logs and pipes stay readable.
 */
export function createProgressReporter(
  stream: NodeJS.WriteStream = process.stderr,
  intervalMs = 5000,
): ProgressReporter {
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format:
          'epoch {epoch}/{epochs} [{bar}] {percentage}% | {frames} frames | utt {value}/{total} | ' +
          '{rtf}x real time | {accName} {acc} | loss {loss} | ETA {eta_formatted}',
        hideCursor: true,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update(s) {
        const payload = {
          epoch: s.epoch,
          epochs: s.epochs,
          frames: s.frames,
          rtf: s.realTimeFactor.toFixed(1),
          accName: accuracyName(s),
          acc: pct(s.accuracy),
          loss: num(s.loss),
        };
        if (!started) {
          bar.start(s.totalUtterances, s.utterances, payload);
          started = true;
        } else {
          bar.update(s.utterances, payload);
        }
      },
      stop() {
        if (started) bar.stop();
      },
    };
  }
  let last = 0;
  let latest: ProgressSnapshot | undefined;
  const print = (s: ProgressSnapshot) =>
    stream.write(
      `epoch ${s.epoch}/${s.epochs} utterances ${s.utterances}/${s.totalUtterances} frames ${s.frames} ` +
        `${s.realTimeFactor.toFixed(1)}x real time, ${accuracyName(s)} ${pct(s.accuracy)}, loss ${num(s.loss)}\n`,
    );
  return {
    update(s) {
      latest = s;
      const now = Date.now();
      if (now - last >= intervalMs) {
        last = now;
        print(s);
      }
    },
    stop() {
      if (latest) print(latest);
    },
  };
}
