/**
 * The in-tab page (the static site's /in-tab.js): the same view as the served page, but the model
 * runs here. Wiring only: the in-tab engine's messages (the served protocol's, JSON round trip
 * included) go to the pure `reduceViewState` as if they came over the page's sockets, the
 * microphone's stream as the producer's and training runs as the consumer's (whose metrics the
 * plots follow), and `window.phonestream` tells the embedding page what happens.
 */
import { Subject } from 'rxjs';
import { openInTabEngine, type InTabEngine } from '../in-tab/open-in-tab-engine.ts';
import { initialStatus, publishStatus, type PhonestreamStatus } from '../in-tab/phonestream-status.ts';
import type { NamedBytes } from '../in-tab/read-labelled-recording.ts';
import type { LearnerEvent } from '../learner/learner-event.ts';
import { encodeServerMessage, type ServerMessage } from '../server/messages.ts';
import { describeMicError } from './describe-mic-error.ts';
import { findPageElements } from './find-page-elements.ts';
import { initialViewState } from './initial-view-state.ts';
import { inTabWording } from './in-tab-wording.ts';
import type { PageEvent } from './page-event.ts';
import { parseServerMessage } from './parse-server-message.ts';
import { reduceViewState } from './reduce-view-state.ts';
import { renderView } from './render-view.ts';
import { startMicrophone, type MicrophoneCapture } from './start-microphone.ts';
import type { SocketRole, ViewState } from './view-state.ts';

/** The site's layout, relative to this script (`phonestream static` writes it so). */
const SITE = new URL('./', import.meta.url);
const WORKLET_URL = new URL('mic-worklet.js', SITE).href;

const elements = findPageElements(document);
const learnElements = {
  dropZone: byId('drop-zone'),
  input: byId('recording-input') as HTMLInputElement,
  passes: byId('passes-input') as HTMLInputElement,
  source: byId('learn-source'),
  status: byId('learn-status'),
  losses: byId('pass-losses') as HTMLOListElement,
};
let state: ViewState = initialViewState();
let drawn: ViewState | undefined;
let frameRequested = false;
let status: PhonestreamStatus = publishStatus(window as { phonestream?: PhonestreamStatus }, initialStatus('in-tab'));
let engine: InTabEngine | undefined;
let microphone: MicrophoneCapture | undefined;
let micSamples: Subject<Float32Array> | undefined;
let micStreams = 0;

function byId(id: string): HTMLElement {
  const el = document.getElementById(id);
  if (!el) throw new Error(`in-tab.html has no element #${id}`);
  return el;
}

function setStatus(patch: Partial<PhonestreamStatus>): void {
  status = publishStatus(window as { phonestream?: PhonestreamStatus }, { ...status, ...patch });
}

function render(): void {
  renderView(state, elements, drawn);
  drawn = state;
  for (const el of [elements.trainingSource, elements.trainingNote]) {
    const said = el.textContent ?? '';
    const wording = inTabWording(said);
    if (wording !== said) el.textContent = wording;
  }
  // No socket here: the badge says where the model runs.
  elements.connection.textContent = status.ready ? `In this tab · ${status.backend}` : status.error ? 'Failed to load' : 'Loading the model…';
  elements.connection.dataset.state = status.ready ? 'open' : status.error ? 'closed' : 'connecting';
}

function dispatch(event: PageEvent): void {
  const next = reduceViewState(state, event);
  if (next === state) return;
  state = next;
  if (!frameRequested) {
    frameRequested = true;
    requestAnimationFrame(() => {
      frameRequested = false;
      render();
    });
  }
}

/** An engine message, shown as the served page shows the same message from a socket. */
function deliver(event: LearnerEvent | ServerMessage, socket: SocketRole): void {
  if ('kind' in event && event.kind === 'predictions') setStatus({ frames: status.frames + event.frames.length });
  const message = parseServerMessage(encodeServerMessage(event));
  if (message) dispatch({ kind: 'message', socket, message });
}

function showError(message: string): void {
  setStatus({ error: message });
  dispatch({ kind: 'message', socket: 'consumer', message: { type: 'error', message } });
}

async function start(): Promise<void> {
  dispatch({ kind: 'socket', socket: 'consumer', status: 'connecting' });
  try {
    engine = await openInTabEngine({
      checkpointUrl: new URL('checkpoint/', SITE),
      kernelsUrl: SITE,
      tfjsWasmUrl: new URL('tfjs/', SITE),
    });
  } catch (err) {
    showError(`The model could not be loaded: ${(err as Error).message}`);
    render();
    return;
  }
  const { learner } = engine.checkpoint;
  setStatus({ ready: true, backend: engine.backend });
  dispatch({ kind: 'socket', socket: 'consumer', status: 'open' });
  dispatch({
    kind: 'message',
    socket: 'consumer',
    message: { type: 'hello', protocol: 2, server: 'in this tab, no server', backend: engine.backend, phones: [...learner.config.phones] },
  });
  render();
}

async function startStreaming(): Promise<void> {
  if (!engine) return;
  if (!navigator.mediaDevices?.getUserMedia) {
    dispatch({ kind: 'mic', status: 'error', notice: describeMicError(undefined) });
    return;
  }
  dispatch({ kind: 'mic', status: 'starting' });
  const id = `mic-${++micStreams}`;
  const samples = new Subject<Float32Array>();
  const ready = engine;
  try {
    microphone = await startMicrophone({
      workletUrl: WORKLET_URL,
      onStart: (sampleRate) => {
        deliver({ type: 'started', stream: id }, 'producer');
        ready.predict(samples, sampleRate, id).subscribe({
          next: (event) => deliver(event, 'producer'),
          error: (err: Error) => showError(err.message),
        });
      },
      onBatch: (batch) => samples.next(batch),
    });
    micSamples = samples;
    dispatch({ kind: 'mic', status: 'on' });
  } catch (err) {
    samples.complete();
    dispatch({ kind: 'mic', status: 'error', notice: describeMicError(err) });
  }
}

async function stopStreaming(): Promise<void> {
  const mic = microphone;
  const samples = micSamples;
  microphone = undefined;
  micSamples = undefined;
  dispatch({ kind: 'mic', status: 'stopping' });
  await mic?.stop();
  // Completing the samples flushes the converter and the model's delayed frames: `end` follows.
  samples?.complete();
  dispatch({ kind: 'mic', status: 'off' });
}

/** Training on dropped files: one run at a time, each pass's loss listed as it ends. */
async function learnFrom(list: FileList | null): Promise<void> {
  if (!engine || status.training.running || !list || list.length === 0) return;
  const files: NamedBytes[] = await Promise.all([...list].map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })));
  const passes = Math.max(1, Math.min(20, Math.round(Number(learnElements.passes.value) || 3)));
  learnElements.source.textContent = files.map((f) => f.name).join(' + ');
  learnElements.dropZone.dataset.state = 'busy';
  learnElements.losses.replaceChildren();
  learnElements.status.textContent = `Training: pass 1 of ${passes}…`;
  setStatus({ error: null, training: { running: true, passes: 0, loss: [] } });
  try {
    await engine.train(files, {
      passes,
      onEvent: (event) => deliver(event, 'consumer'),
      onPass: (pass, loss) => {
        setStatus({ training: { running: pass < passes, passes: pass, loss: [...status.training.loss, loss] } });
        const item = document.createElement('li');
        item.textContent = `pass ${pass}: ${loss.toFixed(3)}`;
        learnElements.losses.append(item);
        learnElements.status.textContent = pass < passes ? `Training: pass ${pass + 1} of ${passes}…` : `Done: ${passes} passes, loss ${status.training.loss[0].toFixed(3)} → ${loss.toFixed(3)}.`;
      },
      // A pause between passes, so the page repaints and stays responsive.
      between: () => new Promise((resolve) => setTimeout(resolve, 20)),
    });
  } catch (err) {
    // Said in the card the user is looking at (not the page-wide notice, which would outlive it).
    learnElements.status.textContent = (err as Error).message;
    setStatus({ error: (err as Error).message });
  } finally {
    setStatus({ training: { ...status.training, running: false } });
    learnElements.dropZone.dataset.state = 'idle';
  }
}

elements.micButton.addEventListener('click', () => {
  if (state.mic === 'on') void stopStreaming();
  else if (state.mic === 'off' || state.mic === 'error') void startStreaming();
});
learnElements.input.addEventListener('change', () => void learnFrom(learnElements.input.files));
learnElements.dropZone.addEventListener('dragover', (event) => {
  event.preventDefault();
  learnElements.dropZone.dataset.state = 'over';
});
learnElements.dropZone.addEventListener('dragleave', () => (learnElements.dropZone.dataset.state = 'idle'));
learnElements.dropZone.addEventListener('drop', (event) => {
  event.preventDefault();
  learnElements.dropZone.dataset.state = 'idle';
  void learnFrom(event.dataTransfer?.files ?? null);
});

render();
void start();
