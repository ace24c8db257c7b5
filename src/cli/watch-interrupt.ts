import { constants } from 'node:os';

/** A long command's view of SIGINT / SIGTERM, from `watchInterrupt`. */
export interface InterruptWatch {
  /** Resolves with the first signal received. */
  readonly received: Promise<NodeJS.Signals>;
  /** The first signal received, if any. */
  readonly signal: NodeJS.Signals | undefined;
  /** The conventional exit code for the signal: 128 + its number (130 for SIGINT, 143 for SIGTERM). */
  exitCode(): number;
  /** Restores the default handling (the process dies on the next signal). */
  dispose(): void;
}

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

/**
 * Turns SIGINT and SIGTERM into a request to stop, so a long run can finish its current step, save
 * and report instead of dying with its work. Later signals are only acknowledged: a second Ctrl-C
 * while the checkpoint is written must not cut the save short (the save is atomic, but the user
 * would lose the run's last state for nothing).
 *
 * @param log where to say what is happening (stderr)
 * @returns the watch; call `dispose()` when the long part is over
 *
 * ## Example
 * ```ts
 * const interrupt = watchInterrupt((line) => process.stderr.write(line + '\n'));
 * await lastValueFrom(work$.pipe(takeUntil(from(interrupt.received))));
 * ```
 */
export function watchInterrupt(log: (line: string) => void): InterruptWatch {
  let first: NodeJS.Signals | undefined;
  let resolve!: (s: NodeJS.Signals) => void;
  const received = new Promise<NodeJS.Signals>((r) => (resolve = r));
  const onSignal = (signal: NodeJS.Signals) => {
    if (first !== undefined) {
      log(`${signal}: already stopping; finishing the checkpoint and summary first`);
      return;
    }
    first = signal;
    log(`${signal}: stopping after the current update`);
    resolve(signal);
  };
  for (const s of SIGNALS) process.on(s, onSignal);
  return {
    received,
    get signal() {
      return first;
    },
    exitCode: () => 128 + (first === undefined ? 0 : constants.signals[first]),
    dispose: () => {
      for (const s of SIGNALS) process.off(s, onSignal);
    },
  };
}
