/**
 * The live microphone page in a real browser: Debian's chromium, driven by playwright-core,
 * with a fake microphone playing a fixture WAV, against the real server and the real
 * live-microphone pipeline with a small, freshly initialised model. Asserts that predictions of
 * the fake microphone's audio reach the page, that a training stream's metrics reach the plots,
 * and that Stop flushes the stream; saves a screenshot to test-artifacts/page.png.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { WebSocket } from 'ws';
import { fileToSocket } from '../../pipelines/file-to-socket.ts';
import { startLiveMicrophone } from '../../pipelines/live-microphone.ts';
import { DEFAULT_FEATURE_CONFIG } from '../../src/features/feature-config.ts';
import { featureDims } from '../../src/features/feature-dims.ts';
import { PHONE_SETS } from '../../src/labels/phone-sets.ts';
import { readLabelFile } from '../../src/labels/read-label-file.ts';
import { OnlineLearner } from '../../src/learner/online-learner.ts';
import { selectBackend } from '../../src/learner/select-backend.ts';
import type { ServerMessage } from '../../src/server/messages.ts';
import { buildPageAssets } from '../../src/server/page-assets.ts';
import type { PredictionServer } from '../../src/server/prediction-server.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const repoPath = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));
/** What the fake microphone plays, in a loop: "Italy is contentedly stagnant." (16-bit PCM). */
const MIC_WAV = repoPath('fixtures/corpus/ljspeech/wav/LJ001-0104.wav');
/** A labelled utterance streamed with `learn: true`: the training stream the plots follow. */
const TRAIN_WAV = repoPath('fixtures/corpus/ljspeech/wav/LJ001-0174.wav');
const TRAIN_LABELS = repoPath('fixtures/corpus/ljspeech/TextGrid/LJ001-0174.TextGrid');
const ARTIFACTS = repoPath('test-artifacts');
const SCREENSHOT = join(ARTIFACTS, 'page.png');
const PHONES: readonly string[] = PHONE_SETS.arpabet;

/** Every message a plain WebSocket consumer receives, to check the page against. */
class Consumer {
  readonly messages: ServerMessage[] = [];
  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => this.messages.push(JSON.parse(String(data)) as ServerMessage));
  }
  static async connect(url: string): Promise<Consumer> {
    const ws = new WebSocket(url);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    return new Consumer(ws);
  }
  of<T extends ServerMessage['type']>(type: T): Extract<ServerMessage, { type: T }>[] {
    return this.messages.filter((m): m is Extract<ServerMessage, { type: T }> => m.type === type);
  }
  close(): void {
    this.ws.close();
  }
}

async function until(what: string, check: () => boolean, timeoutMs = 10000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const text = async (page: Page, selector: string) => ((await page.textContent(selector)) ?? '').trim();

/** Waits for a condition in the page; on timeout, says what the page showed (status line, notice). */
async function waitInPage(page: Page, what: string, condition: () => boolean, timeoutMs: number): Promise<void> {
  try {
    await page.waitForFunction(condition, null, { timeout: timeoutMs });
  } catch (err) {
    const status = (await page.textContent('footer'))?.replace(/\s+/g, ' ').trim();
    const notice = await page.textContent('#notice');
    throw new Error(`${what}: ${(err as Error).message.split('\n')[0]}; page status "${status}", notice "${notice}"`);
  }
}
const count = (s: string) => Number(s.replace(/,/g, ''));

describe('the live microphone page in chromium', () => {
  let context: BrowserContext | undefined;
  let server: PredictionServer | undefined;
  let learner: OnlineLearner | undefined;
  let consumer: Consumer | undefined;
  let userDataDir: string | undefined;
  const pageErrors: string[] = [];

  before(() => {
    if (!existsSync(CHROMIUM)) {
      assert.fail(
        `chromium not found at ${CHROMIUM}: the browser test needs it. Install it with ` +
          '`apt-get install chromium` (CI does), or point CHROMIUM_PATH at a Chromium binary.',
      );
    }
  });

  after(async () => {
    consumer?.close();
    await context?.close();
    await server?.close();
    learner?.dispose();
    if (userDataDir) await rm(userDataDir, { recursive: true, force: true });
  });

  it('shows the phones of the fake microphone, the training curves, and flushes on Stop', async () => {
    await selectBackend('cpu');
    learner = new OnlineLearner({
      inputSize: featureDims(DEFAULT_FEATURE_CONFIG),
      phones: [...PHONES],
      hiddenSize: 16,
      k1: 10,
      k2: 10,
      delay: 3,
    });
    userDataDir = await mkdtemp(join(tmpdir(), 'phonestream-chromium-'));
    const [started, browser] = await Promise.all([
      buildPageAssets().then((assets) =>
        startLiveMicrophone({ port: 0, assets, learner: learner!, featureConfig: DEFAULT_FEATURE_CONFIG }),
      ),
      chromium.launchPersistentContext(userDataDir, {
        executablePath: CHROMIUM,
        headless: true,
        viewport: { width: 1280, height: 800 },
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--use-fake-ui-for-media-stream',
          '--use-fake-device-for-media-stream',
          `--use-file-for-fake-audio-capture=${MIC_WAV}`,
        ],
      }),
    ]);
    server = started;
    context = browser;
    consumer = await Consumer.connect(server.wsUrl);

    const page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (err) => pageErrors.push(`pageerror: ${err.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') pageErrors.push(`console.error: ${m.text()}`);
    });
    await page.goto(server.url);
    await page.waitForSelector('#connection[data-state="open"]', { timeout: 10000 });
    assert.equal(await text(page, '#status-backend'), 'cpu', 'the backend from hello');
    assert.equal(await text(page, '#mic-button'), 'Start microphone');

    // Without the microphone the page is a consumer: it shows whatever stream runs, here a
    // labelled producer training the shared model, and plots that stream's metrics.
    const labels = await readLabelFile(TRAIN_LABELS);
    const training = await fileToSocket({ url: server.wsUrl, file: TRAIN_WAV, pace: 'max', labels, learn: true });
    assert.ok(training.metrics.some((m) => m.loss !== null), 'the labelled stream trained');
    await waitInPage(
      page,
      'the training stream and its metrics on the page',
      () =>
        /%$/.test(document.getElementById('accuracy-value')?.textContent ?? '') &&
        document.getElementById('status-frames')?.textContent !== '0',
      10000,
    );
    assert.equal(await text(page, '#status-stream'), training.stream);
    assert.match(await text(page, '#source'), new RegExp(`^stream ${training.stream}`));
    assert.match(await text(page, '#training-source'), new RegExp(`^stream ${training.stream} · `));
    assert.match(await text(page, '#loss-value'), /^\d+\.\d{3}$/);
    assert.match((await page.getAttribute('#accuracy-plot', 'aria-label')) ?? '', /^Prequential accuracy \d/);
    // The labelled stream's strip carries the reference phones.
    const truths = await page.$$eval('#strip .phone-truth', (items) => items.map((t) => t.textContent ?? ''));
    assert.ok(truths.length > 0 && truths.every((t) => PHONES.includes(t)), `reference phones ${truths}`);

    // Start: the page opens a producer socket and streams the fake microphone.
    await page.click('#mic-button');
    await waitInPage(
      page,
      'predictions of the microphone on the page',
      () =>
        (document.getElementById('source')?.textContent ?? '').startsWith('your microphone (') &&
        Number((document.getElementById('status-frames')?.textContent ?? '0').replace(/,/g, '')) >= 50,
      15000,
    );
    const stream = await text(page, '#status-stream');
    assert.equal(await text(page, '#source'), `your microphone (${stream})`);
    assert.equal(await text(page, '#mic-button'), 'Stop microphone');
    assert.equal(await page.getAttribute('#current-phone', 'data-stream'), stream);

    assert.notEqual(stream, training.stream);
    // What the page shows is what the server predicted for that stream (the page's own: the
    // trainer has ended, and no other producer runs).
    const served = () => consumer!.of('predictions').filter((m) => m.stream === stream).flatMap((m) => m.frames);
    await until('the consumer to see the stream', () => served().length > 0);
    const servedLabels = new Set(served().map((f) => f.label));
    // One snapshot of the strip (it keeps growing while the microphone plays).
    const strip = await page.$$eval('#strip li', (items) =>
      items.map((li) => ({ stream: (li as HTMLElement).dataset.stream ?? '', label: (li as HTMLElement).dataset.label ?? '' })),
    );
    assert.ok(strip.length > 0, 'the strip shows phones of the microphone stream');
    assert.deepEqual(new Set(strip.map((item) => item.stream)), new Set([stream]), 'and of no other stream');
    const stripLabels = strip.map((item) => item.label);
    for (const label of stripLabels) {
      assert.ok(PHONES.includes(label), `strip label ${label} is one of the model's phones`);
    }
    await until('the consumer to catch up with the page', () => {
      const seen = new Set(served().map((f) => f.label));
      return stripLabels.every((label) => seen.has(label));
    });
    assert.ok(PHONES.includes(await text(page, '#current-phone')));
    assert.ok(servedLabels.size > 0);


    // window.phonestream: the served page's status for an embedding page, counting the frames
    // it received (the microphone's once, though they come over both sockets).
    const served1 = await page.evaluate(() => (window as unknown as { phonestream: { mode: string; backend: string; frames: number; ready: boolean } }).phonestream);
    assert.equal(served1.mode, 'server');
    assert.equal(served1.backend, 'cpu', 'the backend the server\'s hello says');
    assert.equal(served1.ready, true);
    assert.ok(served1.frames >= 50, `frames received ${served1.frames}`);
    const framesNow = () => page.evaluate(() => (window as unknown as { phonestream: { frames: number } }).phonestream.frames);
    let later = await framesNow();
    for (const deadline = Date.now() + 10000; later <= served1.frames && Date.now() < deadline; later = await framesNow()) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.ok(later > served1.frames, `window.phonestream.frames grows: ${served1.frames} → ${later}`);

    // The plots still follow the training stream.
    assert.match(await text(page, '#training-source'), new RegExp(`^stream ${training.stream} · `));

    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    // Stop: the last samples go out, then `stop`; the server predicts every frame and ends the stream.
    const shownFrames = count(await text(page, '#status-frames'));
    await page.click('#mic-button');
    await until('the end of the microphone stream', () => consumer!.of('end').some((m) => m.stream === stream));
    const end = consumer.of('end').find((m) => m.stream === stream)!;
    assert.ok(end.frames >= shownFrames, `end after ${end.frames} frames, the page had shown ${shownFrames}`);
    await waitInPage(
      page,
      'the page to stop the microphone',
      () => document.getElementById('mic-button')?.textContent === 'Start microphone',
      10000,
    );
    assert.equal(await page.isHidden('#notice'), true, `no notice, got: ${await text(page, '#notice')}`);
    assert.deepEqual(pageErrors, []);
  });
});
