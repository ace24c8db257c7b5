#!/usr/bin/env node
// The CLI runs the compiled JavaScript in dist/ (built by `npm run build`, which `prepare` runs on
// a clone's `npm install`/`npm ci` and before `npm pack`). PHONESTREAM_SOURCES=1 runs the
// TypeScript sources through tsx instead (a development dependency): `npm test` sets it, so the
// CLI under test is the source under test.
import { existsSync } from 'node:fs';

if (process.env.PHONESTREAM_SOURCES === '1') {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
} else {
  const main = new URL('../dist/src/cli/main.js', import.meta.url);
  if (!existsSync(main)) {
    console.error('phonestream: dist/ is missing: run `npm run build` (or PHONESTREAM_SOURCES=1 to run the TypeScript sources through tsx)');
    process.exit(1);
  }
  await import(main.href);
}
