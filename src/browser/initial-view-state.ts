import type { ViewState } from './view-state.ts';

/**
 * The view before anything has happened: no sockets yet, microphone off, nothing to show.
 *
 * ## Example
 * ```ts
 * let state = initialViewState();
 * state = reduceViewState(state, { kind: 'socket', socket: 'consumer', status: 'connecting' });
 * ```
 */
export function initialViewState(): ViewState {
  return {
    sockets: { consumer: 'idle', producer: 'idle' },
    mic: 'off',
    phones: [],
    shownEnded: false,
    ownStreams: [],
    strip: [],
    nextKey: 0,
    frames: 0,
    timeline: [],
    dropped: { consumer: 0, producer: 0 },
    noticeIsConnection: false,
  };
}
