import type { ServerMessage } from '../server/messages.ts';
import type { MicStatus, SocketRole, SocketStatus } from './view-state.ts';

/** Everything that changes the page: a socket opening or closing, a server message, the microphone. */
export type PageEvent =
  | { kind: 'socket'; socket: SocketRole; status: SocketStatus }
  | { kind: 'message'; socket: SocketRole; message: ServerMessage }
  /** `connectionLost`: the notice says the microphone stopped because its socket closed. */
  | { kind: 'mic'; status: MicStatus; notice?: string; connectionLost?: boolean };
