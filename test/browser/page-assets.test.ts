import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { buildPageAssets } from '../../src/server/page-assets.ts';

const text = (body: Uint8Array) => new TextDecoder().decode(body);

describe('buildPageAssets', () => {
  it('bundles the page and its AudioWorklet, and serves the static files beside them', async () => {
    const assets = await buildPageAssets();
    assert.deepEqual([...assets.keys()].sort(), ['/favicon.svg', '/index.html', '/main.js', '/mic-worklet.js', '/page.css', '/uplot.css']);
    assert.match(assets.get('/index.html')!.contentType, /^text\/html/);
    assert.match(assets.get('/main.js')!.contentType, /^text\/javascript/);
    assert.match(assets.get('/page.css')!.contentType, /^text\/css/);

    const html = text(assets.get('/index.html')!.body);
    assert.match(text(assets.get('/uplot.css')!.body), /\.uplot/);
    for (const ref of ['/main.js', '/page.css', '/uplot.css', '/favicon.svg']) assert.ok(html.includes(`"${ref}"`), ref);

    // Bundled: no import statement is left for the browser to resolve.
    const main = text(assets.get('/main.js')!.body);
    const worklet = text(assets.get('/mic-worklet.js')!.body);
    for (const js of [main, worklet]) assert.doesNotMatch(js, /^\s*import\s/m);
    assert.match(worklet, /registerProcessor\(/);
    // The page loads the worklet by the path it is served at, under the name it registers.
    assert.ok(main.includes('"/mic-worklet.js"'));
    assert.ok(main.includes('"pcm-capture"') && worklet.includes('"pcm-capture"'));
  });

  it('has in index.html every element findPageElements looks up', async () => {
    const assets = await buildPageAssets();
    const html = text(assets.get('/index.html')!.body);
    const source = await readFile(new URL('../../src/browser/find-page-elements.ts', import.meta.url), 'utf8');
    const ids = [...source.matchAll(/: get\('([a-z-]+)'\)/g)].map((m) => m[1]);
    assert.ok(ids.length >= 15, `found ${ids.length} ids`);
    for (const id of ids) assert.ok(html.includes(`id="${id}"`), `index.html lacks #${id}`);
  });
});
