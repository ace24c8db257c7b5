/**
 * The page's views in a real browser (Debian's chromium via playwright-core) against a real
 * `phonestream serve --replay fixtures/corpus`, what `npm start` runs: the bundled model predicts
 * the replay without learning from it, and the page must say what its accuracy is. Checks the
 * posteriorgram has pixels, the reference tier shows the replay's phones under the predictions,
 * the confusion view has rows, the uPlot accuracy plot has axes, the footer's frame count is the
 * accuracy card's, and that the lost-connection notice shows when the server stops and goes when
 * it is back. Screenshots: test-artifacts/page-replay.png, page-disconnected.png, page-reconnected.png.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const repoPath = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));
const ARTIFACTS = repoPath('test-artifacts');

/** A free TCP port, so the server can be restarted on the same address (the page reconnects to it). */
async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

interface Served {
  child: ChildProcess;
  stderr: () => string;
  url: string;
}

/** `phonestream serve` as `npm start` runs it, on `port`; resolves once it has announced its address. */
async function serve(port: number): Promise<Served> {
  const child = spawn(process.execPath, ['bin/phonestream.js', 'serve', '--port', String(port), '--replay', 'fixtures/corpus'], {
    cwd: repoPath(''),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let text = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not announce its address in 30 s:\n${text}`)), 30_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const m = text.match(/open (http:\/\/\S+) \(WebSocket/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', (code) => reject(new Error(`serve exited (${code}):\n${text}`)));
  });
  return { child, stderr: () => text, url };
}

async function stop(s: Served | undefined): Promise<void> {
  if (!s || s.child.exitCode !== null) return;
  const exited = once(s.child, 'exit');
  s.child.kill('SIGTERM');
  const timer = setTimeout(() => s.child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

async function waitInPage(page: Page, what: string, condition: () => boolean, timeoutMs: number): Promise<void> {
  try {
    await page.waitForFunction(condition, null, { timeout: timeoutMs, polling: 100 });
  } catch (err) {
    const status = (await page.textContent('footer'))?.replace(/\s+/g, ' ').trim();
    const notice = await page.textContent('#notice');
    throw new Error(`${what}: ${(err as Error).message.split('\n')[0]}; page status "${status}", notice "${notice}"`);
  }
}

const text = async (page: Page, selector: string) => ((await page.textContent(selector)) ?? '').replace(/\s+/g, ' ').trim();

describe('the page of npm start in chromium: honest accuracy, posteriorgram, tiers, confusions, plots, reconnect', () => {
  let context: BrowserContext | undefined;
  let server: Served | undefined;
  let userDataDir: string | undefined;
  const pageErrors: string[] = [];

  before(() => {
    if (!existsSync(CHROMIUM)) assert.fail(`chromium not found at ${CHROMIUM}: install it (apt-get install chromium) or set CHROMIUM_PATH`);
  });

  after(async () => {
    await context?.close();
    await stop(server);
    if (userDataDir) await rm(userDataDir, { recursive: true, force: true });
  });

  it('shows the replay of the frozen bundled model and says what its accuracy is', async () => {
    const port = await freePort();
    userDataDir = await mkdtemp(join(tmpdir(), 'phonestream-chromium-'));
    [server, context] = await Promise.all([
      serve(port),
      chromium.launchPersistentContext(userDataDir, {
        executablePath: CHROMIUM,
        headless: true,
        viewport: { width: 1280, height: 900 },
        args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      }),
    ]);
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (err) => pageErrors.push(`pageerror: ${err.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') pageErrors.push(`console.error: ${m.text()}`);
    });
    await page.goto(server.url);
    await page.waitForSelector('#connection[data-state="open"]', { timeout: 15_000 });

    // 3 s of the replay (100 frames a second): the timeline, confusions and a few metrics.
    await waitInPage(
      page,
      'three seconds of the replay on the page',
      () => document.querySelectorAll('#tier-reference .tier-run').length >= 5 && /%$/.test(document.getElementById('accuracy-value')?.textContent ?? '') && document.querySelectorAll('#confusion-rows tr').length >= 3 && Number((document.getElementById('status-frames')?.textContent ?? '0').replace(/,/g, '')) >= 300,
      30_000,
    );

    // The accuracy says what it is: the bundled model, not learning, on utterances it was trained on.
    assert.equal(await text(page, '#accuracy-name'), 'Accuracy of the bundled model, not learning, on the replay');
    assert.match(
      await text(page, '#training-note'),
      /^Framewise accuracy of the bundled model on the 6 replayed utterances, which it predicts without learning from them\. It was trained on these utterances, so this is a training score, not a test score\. On files held out of its training it scored \d+\.\d %\.$/,
    );
    assert.match(await text(page, '#training-source'), /^stream replay · [\d,]+ frames · \d+ frames\/s · predicted only$/);
    assert.equal(await page.isVisible('#loss-empty'), true);
    assert.equal(await text(page, '#loss-empty'), 'no loss: the model does not learn from this stream');

    // The footer's frames are the accuracy card's (read in one go: they change 100 times a second).
    const [footerFrames, cardSource] = await page.evaluate(() => [
      document.getElementById('status-frames')!.textContent ?? '',
      document.getElementById('training-source')!.textContent ?? '',
    ]);
    assert.ok(cardSource.startsWith(`stream replay · ${footerFrames} frames`), `footer ${footerFrames}, card "${cardSource}"`);

    // The posteriorgram has heat right of its gutter of phone names, and the cyan reference path.
    // How much of the last 2.5 s is hot depends on where in the replay the sample falls (a long
    // silence, the first frames after an utterance starts): sample until it holds, for 15 s.
    const samplePixels = () =>
      page.$eval('#posteriorgram', (c) => {
        const canvas = c as HTMLCanvasElement;
        const g = canvas.getContext('2d')!;
        const { data } = g.getImageData(Math.round(canvas.width * 0.5), 0, Math.round(canvas.width * 0.5), canvas.height);
        let hot = 0;
        let cyan = 0;
        for (let k = 0; k < data.length; k += 4) {
          if (data[k] > 120) hot++;
          if (data[k] < 90 && data[k + 1] > 150 && data[k + 2] > 170) cyan++; // #22d3ee, antialiased
        }
        return { hot, cyan };
      });
    let pixels = await samplePixels();
    for (const until = Date.now() + 15_000; (pixels.hot <= 500 || pixels.cyan <= 100) && Date.now() < until; ) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      pixels = await samplePixels();
    }
    assert.ok(pixels.hot > 500, `posteriorgram heat pixels: ${pixels.hot}`);
    assert.ok(pixels.cyan > 100, `reference path pixels: ${pixels.cyan}`);

    // The tiers: predictions over the reference, both phones of the model, on the same axis.
    // (No named functions inside page.evaluate: tsx would wrap them in a helper the page lacks.)
    const phones = await page.evaluate(() =>
      ['tier-predicted', 'tier-reference'].map((id) =>
        Array.from(document.querySelectorAll(`#${id} .tier-run`)).map((r) => ({
          phone: r.textContent ?? '',
          left: parseFloat((r as HTMLElement).style.left),
          width: parseFloat((r as HTMLElement).style.width),
        })),
      ),
    ).then(([predicted, reference]) => ({ predicted, reference }));
    const fixturePhones = /^(aa|ae|ah|ao|aw|ay|b|ch|d|dh|eh|er|ey|f|g|hh|ih|iy|jh|k|l|m|n|ng|ow|oy|p|r|s|sh|sil|t|th|uh|uw|v|w|y|z|zh)$/;
    for (const run of [...phones.predicted, ...phones.reference]) assert.match(run.phone, fixturePhones);
    assert.ok(phones.reference.length >= 5 && phones.predicted.length >= 5);
    const end = (r: { left: number; width: number }) => r.left + r.width;
    assert.ok(Math.abs(end(phones.reference.at(-1)!) - 100) < 0.5 && Math.abs(end(phones.predicted.at(-1)!) - 100) < 0.5, 'both tiers end at "now"');

    // The confusion view: rows of reference → predicted with their frames.
    const rows = await page.$$eval('#confusion-rows tr', (trs) => trs.map((tr) => Array.from(tr.children).map((td) => td.textContent ?? '')));
    assert.ok(rows.length >= 3 && rows.length <= 8, `${rows.length} rows`);
    for (const [truth, predicted, frames, share] of rows) {
      assert.match(truth, fixturePhones);
      assert.match(predicted, fixturePhones);
      assert.notEqual(truth, predicted);
      assert.match(frames, /^\d+$/);
      assert.match(share, /^\d+ %$/);
    }
    assert.match(await text(page, '#confusion-source'), /^stream replay · [\d,]+ labelled frames since this page opened · \d+\.\d % right$/);

    // uPlot draws the accuracy against audio time, with both axes (once two metrics have come:
    // on a loaded machine that can be after the three seconds above).
    await waitInPage(page, 'the accuracy plot to have time ticks', () => /s · /.test(document.getElementById('accuracy-plot')?.dataset.ticksX ?? ''), 20_000);
    const plot = await page.evaluate(() => {
      const el = document.getElementById('accuracy-plot')!;
      return { present: el.querySelector('.uplot canvas') !== null, axes: el.querySelectorAll('.u-axis').length, x: el.dataset.ticksX ?? '', y: el.dataset.ticksY ?? '' };
    });
    assert.equal(plot.present, true, 'a uPlot chart');
    assert.equal(plot.axes, 2, 'x and y axes');
    assert.match(plot.x, /^\d+ s( · \d+ s)+$/, `time ticks: ${plot.x}`);
    assert.match(plot.y, /^\d+ %( · \d+ %)+$/, `accuracy ticks: ${plot.y}`);

    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'page-replay.png'), fullPage: true });

    // The server goes away: the page says so; it comes back on the same port: the notice goes.
    await stop(server);
    await waitInPage(page, 'the lost-connection notice', () => !document.getElementById('notice')!.hidden, 10_000);
    assert.match(await text(page, '#notice'), /^The connection to the server was lost; reconnecting…$/);
    assert.equal(await page.getAttribute('#connection', 'data-state'), 'closed');
    await page.screenshot({ path: join(ARTIFACTS, 'page-disconnected.png'), fullPage: true });
    server = await serve(port);
    await waitInPage(page, 'the page to reconnect', () => document.getElementById('connection')!.dataset.state === 'open', 20_000);
    await waitInPage(page, 'the notice to go', () => document.getElementById('notice')!.hidden, 2_000);
    await waitInPage(page, 'the replay again', () => Number((document.getElementById('status-frames')?.textContent ?? '0').replace(/,/g, '')) >= 100, 20_000);
    await page.screenshot({ path: join(ARTIFACTS, 'page-reconnected.png'), fullPage: true });
    assert.deepEqual(pageErrors.filter((e) => !/WebSocket|ERR_CONNECTION_REFUSED/.test(e)), []);
  });
});
