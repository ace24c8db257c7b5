/**
 * Turns a failure to start the microphone into a sentence saying what to do about it: the
 * browser's own messages ("Permission denied") do not.
 *
 * @param err - what `startMicrophone` threw (usually a DOMException), or undefined when the page
 *   has no `navigator.mediaDevices` at all (an insecure origin).
 * @returns one sentence for the page's notice line.
 *
 * ## Example
 * ```ts
 * describeMicError(new DOMException('denied', 'NotAllowedError'));
 * // 'The microphone was refused: allow it for this page in the browser, then press Start again.'
 * ```
 */
export function describeMicError(err: unknown): string {
  const name = typeof err === 'object' && err !== null && 'name' in err ? String(err.name) : '';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return 'The microphone was refused: allow it for this page in the browser, then press Start again.';
    case 'NotFoundError':
    case 'OverconstrainedError':
      return 'No microphone was found: plug one in, then press Start again.';
    case 'NotReadableError':
    case 'AbortError':
      return 'The microphone is busy or failed to start (another application may be using it).';
    case '':
      if (err === undefined) {
        return 'This page cannot use the microphone: open it over https, or at localhost / 127.0.0.1.';
      }
  }
  const detail = err instanceof Error ? err.message : String(err);
  return `The microphone could not be started: ${detail}`;
}
