import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { KERNEL_FILES, KERNEL_NAMES, kernelFileName } from '../../src/kernels/kernel-files.ts';
import { hasKernelModule, kernelModule } from '../../src/kernels/kernel-module.ts';
import { loadKernels } from '../../src/kernels/load-kernels.ts';
import { compileKernelSync, CAN_COMPILE_SYNC } from '../../src/kernels/read-kernel-bytes.ts';
import * as browserReader from '../../src/kernels/read-kernel-bytes.browser.ts';

test('every kernel file exists beside its loader, and its bare name is what a static site serves', async () => {
  assert.deepEqual(KERNEL_NAMES, ['lstm', 'mfcc']);
  for (const name of KERNEL_NAMES) {
    const bytes = await readFile(new URL(KERNEL_FILES[name], new URL('../../src/kernels/', import.meta.url)));
    assert.ok(WebAssembly.validate(bytes), `${name} is a valid wasm module`);
  }
  assert.equal(kernelFileName('lstm'), 'lstm-kernels.wasm');
  assert.equal(kernelFileName('mfcc'), 'mfcc-kernels.wasm');
});

test('Node compiles on first use and loadKernels() may run any number of times, keeping the first module', async () => {
  assert.equal(CAN_COMPILE_SYNC, true);
  const first = kernelModule('lstm');
  assert.equal(kernelModule('lstm'), first, 'cached');
  await loadKernels();
  await loadKernels();
  assert.ok(KERNEL_NAMES.every(hasKernelModule));
  assert.equal(kernelModule('lstm'), first, 'loadKernels did not replace the module instances were made from');
  assert.ok(WebAssembly.Module.exports(kernelModule('mfcc')).some((e) => e.name === 'mfcc'));
  assert.ok(WebAssembly.Module.exports(compileKernelSync('lstm')).some((e) => e.name === 'matvec'));
});

test('the browser reader refuses to compile synchronously, with the message that says what to do', () => {
  assert.equal(browserReader.CAN_COMPILE_SYNC, false);
  assert.throws(() => browserReader.compileKernelSync('lstm'), /kernels not loaded: call await loadKernels\(\) first/);
});

test('the browser reader fetches beside its base URL and names the URL when the fetch fails', async () => {
  const { createServer } = await import('node:http');
  const lstm = await readFile(new URL('../../src/learner/kernels/lstm-kernels.wasm', import.meta.url));
  const server = createServer((req, res) => {
    if (req.url === '/k/lstm-kernels.wasm') {
      res.writeHead(200, { 'content-type': 'application/wasm' }).end(lstm);
    } else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as { port: number };
    const module = await browserReader.compileKernel('lstm', `http://127.0.0.1:${port}/k/`);
    assert.ok(WebAssembly.Module.exports(module).some((e) => e.name === 'matvec'));
    await assert.rejects(browserReader.compileKernel('mfcc', `http://127.0.0.1:${port}/k/`),
      /http:\/\/127\.0\.0\.1:\d+\/k\/mfcc-kernels\.wasm: cannot fetch the mfcc kernel \(HTTP 404\)/);
  } finally {
    server.close();
  }
});
