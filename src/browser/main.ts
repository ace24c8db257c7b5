/**
 * The live microphone page (bundled as /main.js). Wiring only: sockets and the microphone feed
 * events to the pure `reduceViewState`, and `renderView` draws the result once per animation
 * frame. Two sockets: a consumer, always open, that shows the corpus replay and the training
 * curves; and, while the microphone runs, a producer that streams it (docs/protocol.md). The page
 * publishes its status as `window.phonestream` (mode `server`) for the page embedding it.
 */
import { initialStatus, publishStatus, type PhonestreamStatus } from '../in-tab/phonestream-status.ts';
import type { ServerMessage } from '../server/messages.ts';
import { describeMicError } from './describe-mic-error.ts';
import { initialViewState } from './initial-view-state.ts';
import type { PageEvent } from './page-event.ts';
import { parseServerMessage } from './parse-server-message.ts';
import { reduceViewState } from './reduce-view-state.ts';
import { findPageElements } from './find-page-elements.ts';
import { renderView } from './render-view.ts';
import { socketUrl } from './socket-url.ts';
import { startMicrophone, type MicrophoneCapture } from './start-microphone.ts';
import type { SocketRole, ViewState } from './view-state.ts';

const WORKLET_URL = '/mic-worklet.js';
/** How long to wait for `end` after `stop` before closing the producer socket anyway. */
const END_TIMEOUT_MS = 5000;

const elements = findPageElements(document);
let state: ViewState = initialViewState();
let drawn: ViewState | undefined;
let frameRequested = false;
let status: PhonestreamStatus = publishStatus(window as { phonestream?: PhonestreamStatus }, initialStatus('server'));

function setStatus(patch: Partial<PhonestreamStatus>): void {
  status = publishStatus(window as { phonestream?: PhonestreamStatus }, { ...status, ...patch });
}

/**
 * `window.phonestream` after a message: frames received count each frame once (the page's own
 * stream comes over both sockets: its producer's copy counts, as the view takes it from there).
 */
function trackStatus(role: SocketRole, message: ServerMessage): void {
  if (message.type === 'hello') setStatus({ backend: typeof message.backend === 'string' ? message.backend : 'server' });
  else if (message.type === 'error') setStatus({ error: message.message });
  else if (message.type === 'predictions' && Array.isArray(message.frames)) {
    const own = state.ownStreams.includes(message.stream);
    if ((role === 'producer') === own) setStatus({ frames: status.frames + message.frames.length });
  }
}

function dispatch(event: PageEvent): void {
  const next = reduceViewState(state, event);
  if (next === state) return;
  state = next;
  if (!frameRequested) {
    frameRequested = true;
    requestAnimationFrame(() => {
      frameRequested = false;
      renderView(state, elements, drawn);
      drawn = state;
    });
  }
}

/** Opens a socket whose messages and state changes go to `dispatch`; resolves once it is open. */
function openSocket(role: SocketRole): Promise<WebSocket> {
  dispatch({ kind: 'socket', socket: role, status: 'connecting' });
  const socket = new WebSocket(socketUrl(location));
  socket.binaryType = 'arraybuffer';
  socket.addEventListener('message', (event) => {
    if (typeof event.data !== 'string') return;
    const message = parseServerMessage(event.data);
    if (!message) return;
    dispatch({ kind: 'message', socket: role, message });
    trackStatus(role, message);
  });
  return new Promise((resolve, reject) => {
    socket.addEventListener('open', () => {
      dispatch({ kind: 'socket', socket: role, status: 'open' });
      if (role === 'consumer') setStatus({ ready: true });
      resolve(socket);
    });
    socket.addEventListener('close', () => {
      dispatch({ kind: 'socket', socket: role, status: 'closed' });
      if (role === 'consumer') setStatus({ ready: false });
      reject(new Error('the server closed the connection'));
    });
  });
}

/** The consumer socket: reconnects with a growing pause (1 s … 10 s) when the server goes away. */
function keepConsumerOpen(delayMs = 1000): void {
  openSocket('consumer').then(
    (socket) => socket.addEventListener('close', () => setTimeout(() => keepConsumerOpen(1000), 1000)),
    () => setTimeout(() => keepConsumerOpen(Math.min(delayMs * 2, 10000)), delayMs),
  );
}

let producer: WebSocket | undefined;
let microphone: MicrophoneCapture | undefined;

async function startStreaming(): Promise<void> {
  if (!navigator.mediaDevices?.getUserMedia) {
    dispatch({ kind: 'mic', status: 'error', notice: describeMicError(undefined) });
    return;
  }
  dispatch({ kind: 'mic', status: 'starting' });
  try {
    const socket = await openSocket('producer');
    producer = socket;
    socket.addEventListener('close', () => {
      if (producer === socket && microphone) void stopStreaming('The connection to the server was lost; the microphone stopped.', true);
    });
    microphone = await startMicrophone({
      workletUrl: WORKLET_URL,
      onStart: (sampleRate) => socket.send(JSON.stringify({ type: 'start', sampleRate, encoding: 'float32' })),
      // Float32Array bytes are in the platform's order, little-endian on every platform browsers
      // run on, which is what the protocol asks for.
      onBatch: (samples) => {
        if (socket.readyState === WebSocket.OPEN) socket.send(samples);
      },
    });
    dispatch({ kind: 'mic', status: 'on' });
  } catch (err) {
    producer?.close();
    producer = undefined;
    dispatch({ kind: 'mic', status: 'error', notice: describeMicError(err) });
  }
}

/** `connectionLost`: the notice goes when the consumer socket reconnects. */
async function stopStreaming(notice?: string, connectionLost = false): Promise<void> {
  const socket = producer;
  const mic = microphone;
  microphone = undefined;
  dispatch({ kind: 'mic', status: 'stopping' });
  await mic?.stop();
  if (socket && socket.readyState === WebSocket.OPEN) {
    socket.send(JSON.stringify({ type: 'stop' }));
    await waitForEnd(socket);
    socket.close();
  }
  if (producer === socket) producer = undefined;
  dispatch({ kind: 'mic', status: 'off', notice, connectionLost });
}

/** Resolves on the producer's `end` (every frame predicted), on close, or after a timeout. */
function waitForEnd(socket: WebSocket): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, END_TIMEOUT_MS);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    socket.addEventListener('close', done);
    socket.addEventListener('message', (event) => {
      if (typeof event.data === 'string' && parseServerMessage(event.data)?.type === 'end') done();
    });
  });
}

elements.micButton.addEventListener('click', () => {
  if (state.mic === 'on') void stopStreaming();
  else if (state.mic === 'off' || state.mic === 'error') void startStreaming();
});

keepConsumerOpen();
renderView(state, elements);
drawn = state;
