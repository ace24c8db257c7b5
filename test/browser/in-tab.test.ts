/**
 * The pipeline in a browser tab, no server: `phonestream static --out DIR` writes the site, a
 * plain static file server (node:http, nothing of phonestream) serves it, and Debian's chromium
 * opens it with a fake microphone playing a fixture WAV. The page must load the bundled model
 * (our wasm kernels fetched and compiled, tfjs on its wasm backend), predict the microphone frame
 * by frame (window.phonestream.frames grows, mode 'in-tab'), open no WebSocket and fetch nothing
 * from anywhere but the site, and an in-tab training run on a labelled fixture recording must
 * lower its loss from the first pass to the last. Screenshots: test-artifacts/in-tab-mic.png,
 * in-tab-trained.png.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { PhonestreamStatus } from '../../src/in-tab/phonestream-status.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const repoPath = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));
const MIC_WAV = repoPath('fixtures/corpus/ljspeech/wav/LJ001-0104.wav');
const TRAIN_WAV = repoPath('fixtures/corpus/ljspeech/wav/LJ001-0174.wav');
const TRAIN_GRID = repoPath('fixtures/corpus/ljspeech/TextGrid/LJ001-0174.TextGrid');
const ARTIFACTS = repoPath('test-artifacts');
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml',
  '.wasm': 'application/wasm', '.json': 'application/json',
};

/** A static file server over `root`, as any host would be: GET a file, `/` → index.html, else 404. */
async function serveStatic(root: string): Promise<{ server: Server; url: string; requests: string[] }> {
  const requests: string[] = [];
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    requests.push(path);
    const file = normalize(join(root, path.endsWith('/') ? `${path}index.html` : path));
    const body = file.startsWith(root) ? await readFile(file).catch(() => undefined) : undefined;
    if (body === undefined) res.writeHead(404).end();
    else res.writeHead(200, { 'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}/`, requests };
}

const status = (page: Page) => page.evaluate(() => (window as unknown as { phonestream: PhonestreamStatus }).phonestream);
const text = async (page: Page, selector: string) => ((await page.textContent(selector)) ?? '').replace(/\s+/g, ' ').trim();

async function waitInPage(page: Page, what: string, condition: () => boolean, timeoutMs: number): Promise<void> {
  try {
    await page.waitForFunction(condition, null, { timeout: timeoutMs, polling: 100 });
  } catch (err) {
    const s = await status(page).catch(() => undefined);
    throw new Error(`${what}: ${(err as Error).message.split('\n')[0]}; window.phonestream ${JSON.stringify(s)}, notice "${await text(page, '#notice')}"`);
  }
}

describe('the in-tab site in chromium, served by a static file server', () => {
  let root: string | undefined;
  let userDataDir: string | undefined;
  let context: BrowserContext | undefined;
  let site: Awaited<ReturnType<typeof serveStatic>> | undefined;
  const pageErrors: string[] = [];
  const sockets: string[] = [];
  const foreign: string[] = [];

  before(async () => {
    if (!existsSync(CHROMIUM)) assert.fail(`chromium not found at ${CHROMIUM}: install it (apt-get install chromium) or set CHROMIUM_PATH`);
    root = await mkdtemp(join(tmpdir(), 'phonestream-site-'));
    userDataDir = await mkdtemp(join(tmpdir(), 'phonestream-chromium-'));
    // The CLI as a user runs it (from the sources here: PHONESTREAM_SOURCES=1 bundles afresh).
    await promisify(execFile)(process.execPath, [repoPath('bin/phonestream.js'), 'static', '--out', join(root, 'site')], {
      env: { ...process.env, PHONESTREAM_SOURCES: '1' },
    });
    site = await serveStatic(join(root, 'site'));
  });

  after(async () => {
    await context?.close();
    site?.server.close();
    if (root) await rm(root, { recursive: true, force: true });
    if (userDataDir) await rm(userDataDir, { recursive: true, force: true });
  });

  it('predicts the fake microphone in the tab, then learns a dropped recording with falling loss', async () => {
    context = await chromium.launchPersistentContext(userDataDir!, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1280, height: 900 },
      args: [
        '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
        `--use-file-for-fake-audio-capture=${MIC_WAV}`,
      ],
    });
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (err) => pageErrors.push(`pageerror: ${err.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') pageErrors.push(`console.error: ${m.text()}`);
    });
    page.on('websocket', (ws) => sockets.push(ws.url()));
    page.on('request', (r) => {
      if (!r.url().startsWith(site!.url)) foreign.push(r.url());
    });
    await page.goto(site!.url);
    await waitInPage(page, 'the model loaded in the tab', () => {
      const s = (window as unknown as { phonestream?: PhonestreamStatus }).phonestream;
      return s !== undefined && (s.ready || s.error !== null);
    }, 60_000);
    let s = await status(page);
    assert.equal(s.error, null, 'no load error');
    assert.equal(s.mode, 'in-tab');
    assert.equal(s.backend, 'wasm', 'tfjs on its wasm backend, its .wasm files from the site');
    assert.equal(s.frames, 0);
    assert.equal(await text(page, '#status-backend'), 'wasm');
    assert.match(await text(page, '#connection'), /^In this tab · wasm$/);
    for (const file of ['/lstm-kernels.wasm', '/mfcc-kernels.wasm', '/checkpoint/model.json']) {
      assert.ok(site!.requests.includes(file), `the page fetched ${file} (requests: ${site!.requests.join(' ')})`);
    }

    // The microphone: predictions made in the tab.
    await page.click('#mic-button');
    await waitInPage(page, 'predictions of the microphone', () => {
      const st = (window as unknown as { phonestream: PhonestreamStatus }).phonestream;
      return st.frames >= 150 && (document.getElementById('source')?.textContent ?? '').startsWith('your microphone (');
    }, 30_000);
    const phones = await page.evaluate(() => [...document.querySelectorAll('#strip li')].map((li) => (li as HTMLElement).dataset.label ?? ''));
    assert.ok(phones.length > 0, 'the strip shows phones');
    const first = (await status(page)).frames;
    await page.waitForTimeout(1000);
    assert.ok((await status(page)).frames > first + 50, 'frames keep coming, ~100 a second');
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'in-tab-mic.png'), fullPage: true });
    await page.click('#mic-button');
    await waitInPage(page, 'the microphone to stop', () => document.getElementById('mic-button')?.textContent === 'Start microphone', 10_000);

    // A wrong drop: one file only. The page says what it expected and stays usable.
    await page.setInputFiles('#recording-input', [TRAIN_WAV]);
    await waitInPage(page, 'the error of a one-file drop', () => /expected one recording/.test(document.getElementById('learn-status')?.textContent ?? ''), 10_000);
    s = await status(page);
    assert.equal(s.training.running, false);
    assert.match(s.error ?? '', /LJ001-0174\.wav: expected one recording .* got 1 and 0/, 'window.phonestream.error names the file');

    // A labelled recording: three online passes, each frame predicted before it is learned from.
    await page.setInputFiles('#recording-input', [TRAIN_WAV, TRAIN_GRID]);
    await waitInPage(page, 'three training passes', () => {
      const t = (window as unknown as { phonestream: PhonestreamStatus }).phonestream.training;
      return t.passes === 3 && !t.running;
    }, 120_000);
    s = await status(page);
    assert.equal(s.error, null, 'a new run clears the last error');
    const loss = s.training.loss;
    assert.equal(loss.length, 3);
    assert.ok(loss.every((l) => Number.isFinite(l) && l > 0), `losses ${loss}`);
    assert.ok(loss[2] < loss[0], `the last pass's loss ${loss[2]} is below the first's ${loss[0]}`);
    console.log(`# in-tab training loss per pass in chromium: ${loss.map((l) => l.toFixed(4)).join(', ')}`);
    assert.equal((await page.$$('#pass-losses li')).length, 3);
    assert.match(await text(page, '#learn-status'), /^Done: 3 passes, loss \d\.\d{3} → \d\.\d{3}\.$/);
    assert.match(await text(page, '#loss-value'), /^\d+\.\d{3}$/, 'the loss plot follows the training stream');
    await page.screenshot({ path: join(ARTIFACTS, 'in-tab-trained.png'), fullPage: true });

    assert.deepEqual(sockets, [], 'no WebSocket: there is no server');
    assert.deepEqual(foreign, [], 'nothing fetched from outside the site');
    assert.deepEqual(pageErrors.filter((e) => !/expected one recording/.test(e)), [], 'no page errors');
  });
});
