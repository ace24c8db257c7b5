import type { ReplayEvent } from '../../pipelines/replay-corpus.ts';
import { formatAgreement } from './format-agreement.ts';

/** What a replay knows at a moment, for the progress display. */
export interface ProgressSnapshot {
  epoch: number;
  epochs: number;
  /** Training frames over all epochs so far. */
  frames: number;
  /** Utterances done in this epoch, and the training files one epoch replays. */
  utterances: number;
  utterancesPerEpoch: number;
  /** Seconds since the replay started (training and held-out scoring). */
  elapsedSeconds: number;
  realTimeFactor: number;
  /** The pass's running accuracy: prequential in pass 1, on frames already learned from later. */
  accuracy: number | null;
  loss: number | null;
}

export interface ProgressReporter {
  update(s: ProgressSnapshot): void;
  /** A line of its own (a held-out score), printed at once above the progress display. */
  log(line: string): void;
  stop(): void;
}

/** The name of the pass's accuracy: what it measures. */
const accuracyName = (s: ProgressSnapshot): string => (s.epoch === 1 ? 'prequential acc' : 'training acc');

const pct = (x: number | null) => (x === null ? '-' : `${(100 * x).toFixed(1)}%`);
const num = (x: number | null) => (x === null ? '-' : x.toFixed(3));

/**
 * Seconds left at the rate so far, in utterances over all epochs (utterances are what the run's
 * length is known in; frames are not known until every file is read), or null before any is done.
 */
export function etaSeconds(s: ProgressSnapshot): number | null {
  const done = (s.epoch - 1) * s.utterancesPerEpoch + s.utterances;
  const total = s.epochs * s.utterancesPerEpoch;
  if (done <= 0 || s.elapsedSeconds <= 0) return null;
  return Math.max(0, ((total - done) * s.elapsedSeconds) / done);
}

/** `1h02m`, `3m05s`, `42s`; `-` when not known. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '-';
  const s = Math.round(seconds);
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}

const BAR_MAX = 30;
const BAR_MIN = 10;

/** Which optional parts a line has; the bar's width (0: none). */
interface Layout {
  bar: number;
  percent: boolean;
  frames: boolean;
  realTime: boolean;
  eta: boolean;
  /** Short forms: `utt 12/155` without "of epoch 2", `acc` for the accuracy's name. */
  compact: boolean;
  /** The epoch and utterance counts. */
  counts: boolean;
}

function render(s: ProgressSnapshot, l: Layout): string {
  const fraction = s.utterancesPerEpoch > 0 ? Math.min(1, s.utterances / s.utterancesPerEpoch) : 0;
  const bar = l.bar > 0 ? ` [${'#'.repeat(Math.round(fraction * l.bar)).padEnd(l.bar, '-')}]` : '';
  const parts = [
    l.counts && `epoch ${s.epoch}/${s.epochs}${bar}${l.percent ? ` ${Math.round(100 * fraction)}%` : ''}`,
    l.counts && `utt ${s.utterances}/${s.utterancesPerEpoch}${s.epochs > 1 && !l.compact ? ` of epoch ${s.epoch}` : ''}`,
    l.frames && `${s.frames} frames`,
    l.realTime && `${s.realTimeFactor.toFixed(1)}x real time`,
    `${l.compact ? 'acc' : accuracyName(s)} ${pct(s.accuracy)}`,
    `loss ${num(s.loss)}`,
    l.eta && `ETA ${formatDuration(etaSeconds(s))}`,
  ];
  return parts.filter((p) => p !== false).join(' | ');
}

/**
 * The progress line for a terminal `width` columns wide. When it does not fit, parts go in this
 * order: the bar first, then the frames, the real-time factor, the percentage and the ETA; then
 * the short forms (`utt 12/155`, `acc`), then the epoch and utterance counts: the accuracy and
 * the loss are kept to the last (the line is cut at the width only if even they do not fit). The bar takes the room left, up to 30 columns; it goes
 * when fewer than 10 are left. One column is left free, so the cursor never wraps.
 *
 * ## Example
 * ```ts
 * formatProgressLine(snapshot, 60); // 'epoch 2/3 | utt 12/155 of epoch 2 | training acc 41.2% | loss 1.873'
 * ```
 */
export function formatProgressLine(s: ProgressSnapshot, width: number): string {
  const max = width - 1;
  const full: Layout = { bar: 0, percent: true, frames: true, realTime: true, eta: true, compact: false, counts: true };
  const room = max - render(s, full).length - 3; // " [" and "]"
  if (room >= BAR_MIN) return render(s, { ...full, bar: Math.min(BAR_MAX, room) });
  const layout = { ...full };
  for (const step of ['frames', 'realTime', 'percent', 'eta', 'compact', 'counts'] as const) {
    if (render(s, layout).length <= max) break;
    if (step === 'compact') layout.compact = true;
    else layout[step] = false;
  }
  const line = render(s, layout);
  return line.length > max ? line.slice(0, Math.max(0, max)) : line;
}

/**
 * The plain progress line for logs and pipes (no bar, nothing dropped).
 *
 * ## Example
 * ```ts
 * formatPlainLine(snapshot);
 * // 'epoch 2/3 utterances 12/155 of epoch 2 frames 40123 3.1x real time, training acc 41.2%, loss 1.873, ETA 3m05s'
 * ```
 */
export function formatPlainLine(s: ProgressSnapshot): string {
  return (
    `epoch ${s.epoch}/${s.epochs} utterances ${s.utterances}/${s.utterancesPerEpoch}${s.epochs > 1 ? ` of epoch ${s.epoch}` : ''} ` +
    `frames ${s.frames} ${s.realTimeFactor.toFixed(1)}x real time, ${accuracyName(s)} ${pct(s.accuracy)}, loss ${num(s.loss)}, ` +
    `ETA ${formatDuration(etaSeconds(s))}`
  );
}

/**
 * A held-out score as one line, printed when it is taken: after each epoch, and part-way with
 * --score-at; null when nothing is held out.
 *
 * @example formatHeldOutLine(ev, 12000, 2)
 * // 'held-out after epoch 1: accuracy 41.0% (κ 0.352, κ-temporal -0.912 vs no-change 86.3%), 1517 frames of 2 files, after 12000 training frames'
 */
export function formatHeldOutLine(
  ev: Extract<ReplayEvent, { kind: 'score' | 'epoch' }>,
  trainingFrames: number,
  heldOutFiles: number,
): string | null {
  if (ev.heldOut === null || ev.heldOut.frames === 0) return null;
  const when = ev.kind === 'epoch' ? `after epoch ${ev.epoch}` : `at ${Number(ev.passes.toFixed(3))} passes (epoch ${ev.epoch})`;
  const a = ev.heldOutAgreement;
  return (
    `held-out ${when}: accuracy ${pct(ev.heldOut.accuracy())} ` +
    (a === null ? '' : `${formatAgreement(a.kappa(), a.kappaTemporal(), a.noChangeAccuracy())}`) +
    `, ${ev.heldOut.frames} frames of ${heldOutFiles} file${heldOutFiles === 1 ? '' : 's'}, after ${trainingFrames} training frames`
  );
}

/**
 * Progress for a replay. On a terminal: one line redrawn in place (at most every `redrawMs`),
 * fitted to its width as {@link formatProgressLine} says; plain lines ({@link formatPlainLine}) every `intervalMs` when
 * the stream is not a TTY, so CI logs and pipes stay readable. Either way `log` lines (each
 * held-out score) are printed at once, on a line of their own.
 */
export function createProgressReporter(
  stream: NodeJS.WriteStream = process.stderr,
  intervalMs = 5000,
  redrawMs = 100,
): ProgressReporter {
  let latest: ProgressSnapshot | undefined;
  if (stream.isTTY) {
    let last = 0;
    let drawn = false;
    const draw = () => {
      if (!latest) return;
      stream.write(`\r${formatProgressLine(latest, stream.columns ?? 80)}\x1b[K`);
      drawn = true;
    };
    return {
      update(s) {
        latest = s;
        const now = Date.now();
        if (now - last >= redrawMs) {
          last = now;
          draw();
        }
      },
      log(line) {
        stream.write(`${drawn ? '\r\x1b[K' : ''}${line}\n`);
        drawn = false;
        draw();
      },
      stop() {
        draw();
        if (drawn) stream.write('\n');
        drawn = false;
      },
    };
  }
  let last = 0;
  const print = (s: ProgressSnapshot) => stream.write(`${formatPlainLine(s)}\n`);
  return {
    update(s) {
      latest = s;
      const now = Date.now();
      if (now - last >= intervalMs) {
        last = now;
        print(s);
      }
    },
    log(line) {
      stream.write(`${line}\n`);
    },
    stop() {
      if (latest) print(latest);
    },
  };
}
