import type { ServerMessage } from '../server/messages.ts';

/**
 * Parses one text frame from the server. Only the envelope is checked here (a JSON object with a
 * string `type`); `reduceViewState` checks the fields it reads, so a message of a newer protocol
 * or a malformed one is ignored instead of breaking the page.
 *
 * @param text - the text frame as received.
 * @returns the message, or undefined if the text is not a JSON object with a string `type`.
 *
 * ## Example
 * ```ts
 * parseServerMessage('{"type":"started","stream":"s1"}'); // { type: 'started', stream: 's1' }
 * parseServerMessage('oops');                             // undefined
 * ```
 */
export function parseServerMessage(text: string): ServerMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  if (typeof (value as { type?: unknown }).type !== 'string') return undefined;
  return value as ServerMessage;
}
