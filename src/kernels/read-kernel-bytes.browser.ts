import { ConfigError } from '../errors.ts';
import { kernelFileName, type KernelName } from './kernel-files.ts';

/**
 * The browser's way to a kernel: there is no `fs`, so the kernel is fetched and compiled while it
 * downloads (`WebAssembly.compileStreaming`), once, by `loadKernels()`. Bundled in place of
 * read-kernel-bytes.ts (package.json `browser`, and the in-tab bundler's plugin).
 */

/** False: a browser must `await loadKernels()` before the first learner or feature plan. */
export const CAN_COMPILE_SYNC = false;

/** Never used in a browser (kernel-module.ts checks CAN_COMPILE_SYNC first); throws if it is. */
export function compileKernelSync(name: KernelName): WebAssembly.Module {
  throw new ConfigError(`kernels not loaded: call await loadKernels() first (kernel "${name}")`);
}

/**
 * Fetches and compiles a kernel. The site serves every kernel file side by side; by default
 * beside the bundled script (`import.meta.url`), else under `baseUrl`.
 *
 * @throws ConfigError naming the URL when the fetch fails or is not a wasm module.
 */
export async function compileKernel(name: KernelName, baseUrl?: string | URL): Promise<WebAssembly.Module> {
  const url = new URL(kernelFileName(name), baseUrl ?? import.meta.url);
  let response: Response;
  try {
    response = await fetch(url);
  } catch (err) {
    throw new ConfigError(`${url.href}: cannot fetch the ${name} kernel (${(err as Error).message})`);
  }
  if (!response.ok) throw new ConfigError(`${url.href}: cannot fetch the ${name} kernel (HTTP ${response.status})`);
  try {
    // compileStreaming needs the application/wasm content type; plain bytes work on any host.
    return response.headers.get('content-type')?.startsWith('application/wasm')
      ? await WebAssembly.compileStreaming(response)
      : await WebAssembly.compile(await response.arrayBuffer());
  } catch (err) {
    throw new ConfigError(`${url.href}: not a wasm module (${(err as Error).message})`);
  }
}
