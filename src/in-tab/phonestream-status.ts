/**
 * What a phonestream page tells the page embedding it (and tests) as `window.phonestream`: plain
 * data, replaced by a new object on every change, so a reader never sees half an update.
 */
export interface PhonestreamStatus {
  /** `server`: the served page, predictions come over a WebSocket; `in-tab`: the model runs in this tab. */
  mode: 'server' | 'in-tab';
  /** The tfjs backend the model runs on (`wasm`, `cpu`, …), the server's as its hello says, or `server` until it does. */
  backend: string;
  /** Frame predictions made (in-tab) or received (server) so far. */
  frames: number;
  /** In-tab: the model is loaded and can predict; server: the consumer socket is open. */
  ready: boolean;
  /** The last error shown, or null. */
  error: string | null;
  /** The in-tab training runs on dropped recordings: passes done in the current run and each pass's loss. */
  training: { running: boolean; passes: number; loss: number[] };
}

/** The status before anything happened. */
export function initialStatus(mode: PhonestreamStatus['mode']): PhonestreamStatus {
  return {
    mode,
    backend: mode === 'server' ? 'server' : 'loading',
    frames: 0,
    ready: false,
    error: null,
    training: { running: false, passes: 0, loss: [] },
  };
}

/** The window a page publishes its status on. */
export type StatusWindow = { phonestream?: Readonly<PhonestreamStatus> };

/**
 * Publishes `status` as `window.phonestream` (frozen, with its training record) and returns it.
 *
 * ## Example
 * ```ts
 * let status = publishStatus(window, initialStatus('in-tab'));
 * status = publishStatus(window, { ...status, frames: status.frames + 10 });
 * ```
 */
export function publishStatus(target: StatusWindow, status: PhonestreamStatus): PhonestreamStatus {
  const frozen = Object.freeze({ ...status, training: Object.freeze({ ...status.training, loss: Object.freeze([...status.training.loss]) as number[] }) });
  target.phonestream = frozen;
  return frozen;
}
