import * as tf from '@tensorflow/tfjs';
import { setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { ConfigError } from '../errors.ts';
import { missingKernels } from './check-kernels.ts';

/** A tfjs backend the learner can run on, fastest first. */
export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

/** The backend in use and why the faster ones were skipped. */
export interface BackendSelection {
  backend: BackendName;
  /** Backends tried before it, with the reason each was not used. */
  skipped: { backend: BackendName; reason: string }[];
}

const ORDER: BackendName[] = ['tensorflow', 'wasm', 'cpu'];

/**
 * Chooses the tfjs backend: `@tensorflow/tfjs-node` (`tensorflow`) when it is installed (it is an
 * optional dependency whose native library may fail to install), else `wasm`, else `cpu`; then
 * checks that the backend registers every kernel the learner uses. The wasm backend is pinned to
 * one thread, like the PyTorch reference in the benchmark.
 *
 * @param preferred a backend to use instead of the automatic order; a ConfigError names it when it
 *   cannot be used.
 * @returns the active backend and the reasons faster ones were skipped.
 *
 * ## Example
 * ```ts
 * const { backend } = await selectBackend();   // 'wasm' on a machine without tfjs-node
 * ```
 */
export async function selectBackend(preferred?: BackendName): Promise<BackendSelection> {
  if (preferred !== undefined && !ORDER.includes(preferred)) {
    throw new ConfigError(`backend: expected one of ${ORDER.join(', ')}, got ${JSON.stringify(preferred)}`);
  }
  const skipped: BackendSelection['skipped'] = [];
  for (const backend of preferred === undefined ? ORDER : [preferred]) {
    const reason = await tryBackend(backend);
    if (reason === null) return { backend, skipped };
    if (preferred !== undefined) throw new ConfigError(`backend: "${backend}" cannot be used: ${reason}`);
    skipped.push({ backend, reason });
  }
  throw new ConfigError(`backend: none usable (${skipped.map((s) => `${s.backend}: ${s.reason}`).join('; ')})`);
}

/** Activates one backend; null on success, else why it cannot be used. */
async function tryBackend(backend: BackendName): Promise<string | null> {
  try {
    if (backend === 'tensorflow') {
      // A variable specifier keeps tsc and bundlers from requiring the optional package.
      const specifier = '@tensorflow/tfjs-node';
      await import(specifier);
    }
    if (backend === 'wasm') setThreadsCount(1);
    if (tf.getBackend() !== backend && !(await tf.setBackend(backend))) return 'initialisation failed';
    await tf.ready();
  } catch (err) {
    return err instanceof Error ? err.message.split('\n')[0] : String(err);
  }
  const missing = missingKernels(backend);
  return missing.length === 0 ? null : `missing kernels ${missing.join(', ')}`;
}
