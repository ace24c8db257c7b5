import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { timingSafeEqual } from 'node:crypto';
import { Observable, Subject } from 'rxjs';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { ConfigError, InputError } from '../errors.ts';
import { packageVersion } from '../package-root.ts';
import type { PhoneSegment } from '../labels/phone-segment.ts';
import type { LearnerEvent } from '../learner/learner-event.ts';
import { assertPcmBytes } from './assert-pcm-bytes.ts';
import { ClientOutbox } from './client-outbox.ts';
import { isAllowedOrigin, isLoopbackHost } from './is-allowed-origin.ts';
import { TokenBucket } from './token-bucket.ts';
import {
  SUBPROTOCOLS,
  decodeClientMessage,
  differsForV1,
  encodeServerMessage,
  encodeServerMessageFor,
  negotiateProtocol,
  type HelloMessage,
  type PcmEncoding,
  type ProtocolVersion,
  type ServerMessage,
  type StartMessage,
} from './messages.ts';

/** A static file served over HTTP GET. */
export interface PageAsset {
  contentType: string;
  body: Uint8Array;
}

/** One producer's audio, as announced by its `start`. */
export interface ProducerStream {
  /** 's1', 's2', … in order of `start` over the server's life. */
  id: string;
  /** Hz of the PCM in `pcm$`. */
  sampleRate: number;
  encoding: PcmEncoding;
  /** Interleaved channels of the PCM (1 to 8; absent: 1); the pipeline mixes them to mono. */
  channels?: number;
  /** Phone segments (seconds from the stream's start), when the producer sent them. */
  labels?: PhoneSegment[];
  /** The producer asked to train the shared model on its labelled audio. */
  learn: boolean;
  /**
   * Raw little-endian PCM bytes as received (whole samples, finite); completes on stop, disconnect
   * or server shutdown; errors (an InputError) when the server cut the producer off, e.g. for
   * exceeding a rate limit, so its audio is known to be incomplete.
   */
  pcm$: Observable<Uint8Array>;
}

export interface PredictionServerOptions {
  /** TCP port; 0 picks a free one. Default 8080. */
  port?: number;
  /** Interface to listen on. Default '127.0.0.1'. */
  host?: string;
  /** URL path of the WebSocket. Default '/ws'. */
  path?: string;
  /** Largest incoming message in bytes; a larger one closes that connection (code 1009). Default 1 MiB. */
  maxPayload?: number;
  /** Per-client send queue length in messages; beyond it the oldest are dropped. Default 256. */
  queueLimit?: number;
  /** Heartbeat period in ms: a client that has not answered the previous ping is closed. Default 15000. */
  heartbeatMs?: number;
  /** Producers and control messages must present it. Default: env PHONESTREAM_TOKEN, else none. */
  token?: string;
  /** With a token: every connection must present it on the URL (`?token=`), consumers too. Default false. */
  requireTokenForConsumers?: boolean;
  /** Streams running at once; a `start` beyond it gets an `error`, then close 1013 (try again later). Default 64. */
  maxProducers?: number;
  /** Messages per second one connection may send (a burst of as many is allowed); beyond it: close 1008. Default 1000. */
  maxMessagesPerSecond?: number;
  /** Bytes per second one connection may send (a burst of as many); at least maxPayload; beyond it: close 1008. Default 8 MiB. */
  maxBytesPerSecond?: number;
  /** On close(), how long to wait for the pipeline to flush the streams and clients to take the close. Default 5000. */
  closeTimeoutMs?: number;
  /** Browser origins allowed besides the page's own, e.g. 'http://localhost:5173'. Default []. */
  allowOrigins?: string[];
  /** Files served over HTTP GET by URL path; '/' serves '/index.html'. Default: none (404). */
  assets?: Map<string, PageAsset>;
  /** Fields merged into each `hello`: phones, model, backend, features, streams. Called per connection. */
  hello?: () => object;
  /**
   * Put before each stream id ('s1', 's2', …): servers that share consumers (gateways of one
   * cluster) give each its own, so ids never collide. Letters, digits, '-' and '_'. Default ''.
   */
  streamIdPrefix?: string;
}

export interface PredictionServer {
  /** The page, e.g. 'http://127.0.0.1:8080/'. */
  url: string;
  /** The socket, e.g. 'ws://127.0.0.1:8080/ws'. */
  wsUrl: string;
  port: number;
  /** One value per accepted `start`; subscribe before clients connect (it is hot). Completes on close. */
  producers$: Observable<ProducerStream>;
  /**
   * Routes one message to every consumer and to the producer owning its stream. Never blocks:
   * each client has a bounded queue. Messages without a stream go to every client.
   */
  publish(msg: LearnerEvent | ServerMessage): void;
  /**
   * {@link publish} for a message already encoded (by a live worker thread): its UTF-8 JSON and
   * its route, as `routeOf` gives it.
   * @internal (the live worker threads')
   */
  publishEncoded(message: EncodedMessage): void;
  /**
   * Shuts down gracefully: refuses new connections, ends every stream and waits (up to
   * closeTimeoutMs) until the pipeline has published their `end`s, sends every client what is
   * queued for it, closes each with 1001 (going away), then stops listening.
   */
  close(): Promise<void>;
}

/** A server message encoded off the main thread, with what routing it needs. */
export interface EncodedMessage {
  /** The stream it is about; none: every client gets it. */
  stream: string | undefined;
  /** Nothing more comes for the stream after it (its `end`, or an error about it). */
  final: boolean;
  /** The message's JSON, UTF-8, as protocol v2 clients get it. */
  bytes: Uint8Array;
  /**
   * What protocol v1 clients get instead, when it differs: other bytes, or null for nothing (a
   * v2-only message such as `segments`). Absent: the same bytes.
   */
  v1?: Uint8Array | null;
}

/**
 * A message encoded once per protocol version, with its route: what {@link PredictionServer.publishEncoded}
 * takes (a live worker thread encodes its streams' messages with it).
 */
export function encodeForClients(msg: LearnerEvent | ServerMessage): EncodedMessage {
  const encoded: EncodedMessage = { ...routeOf(msg), bytes: utf8.encode(encodeServerMessage(msg)) };
  if (differsForV1(msg)) {
    const v1 = encodeServerMessageFor(msg, 1);
    encoded.v1 = v1 === undefined ? null : utf8.encode(v1);
  }
  return encoded;
}
const utf8 = new TextEncoder();

/** Where a message goes: its stream, and whether it is the stream's last. */
export function routeOf(msg: LearnerEvent | ServerMessage): { stream: string | undefined; final: boolean } {
  const stream = 'stream' in msg ? msg.stream : undefined;
  const final = 'kind' in msg ? msg.kind === 'end' && msg.utterance === undefined : msg.type === 'end' || msg.type === 'error';
  return { stream, final: final && stream !== undefined };
}

const SERVER_NAME = `phonestream/${packageVersion()}`;

/** Per-connection state. */
interface Client {
  ws: WebSocket;
  /** The protocol version negotiated at the handshake (subprotocol; none: 1). */
  protocol: ProtocolVersion;
  outbox: ClientOutbox;
  /** Answered the last heartbeat ping. */
  alive: boolean;
  /** Presented the right token (on the URL or in a `start`), or none is needed. */
  authorized: boolean;
  /** Sent at least one accepted `start`: from then on it only receives its own streams. */
  producer: boolean;
  /** Streams this client started whose `end` has not been published yet. */
  owned: Set<string>;
  active?: { id: string; encoding: PcmEncoding; channels: number; pcm: Subject<Uint8Array> };
  /** What it may still send: messages and bytes (per-connection rate limits). */
  messageBudget: TokenBucket;
  byteBudget: TokenBucket;
  /** The server is closing this connection: whatever else it sends is ignored. */
  closing: boolean;
}

/** WebSocket close codes the server uses (RFC 6455 §7.4.1); 1009 (too big) comes from ws itself. */
const CLOSE_GOING_AWAY = 1001;
const CLOSE_POLICY = 1008;
const CLOSE_TRY_AGAIN_LATER = 1013;

/**
 * Starts the HTTP + WebSocket server: the page's assets over GET, protocols v1 and v2
 * (docs/protocol.md; v2 for clients asking for subprotocol `phonestream.v2`) on `path`. Producers' audio comes out of `producers$`; whatever the pipeline `publish`es goes
 * back out, routed by stream. A bad message is answered with an `error` and dropped; the
 * connection and the server go on.
 *
 * @param options - see {@link PredictionServerOptions}; defaults by one spread.
 * @returns the listening server.
 * @throws ConfigError at once for impossible options; rejects with ConfigError if the port is taken.
 *
 * ## Example
 * ```ts
 * const server = await startPredictionServer({ port: 0, hello: () => ({ phones: ['aa', 'b'] }) });
 * server.producers$.subscribe((p) => p.pcm$.subscribe((bytes) => console.log(p.id, bytes.length)));
 * console.log(server.wsUrl); // ws://127.0.0.1:PORT/ws
 * await server.close();
 * ```
 */
export async function startPredictionServer(options: PredictionServerOptions = {}): Promise<PredictionServer> {
  const opts = {
    port: 8080,
    host: '127.0.0.1',
    path: '/ws',
    maxPayload: 1024 * 1024,
    queueLimit: 256,
    heartbeatMs: 15000,
    token: process.env.PHONESTREAM_TOKEN || undefined,
    requireTokenForConsumers: false,
    maxProducers: 64,
    maxMessagesPerSecond: 1000,
    maxBytesPerSecond: 8 * 1024 * 1024,
    closeTimeoutMs: 5000,
    allowOrigins: [] as string[],
    assets: undefined as Map<string, PageAsset> | undefined,
    hello: (() => ({})) as () => object,
    streamIdPrefix: '',
    ...withoutUndefined(options),
  };
  assertServerOptions(opts);
  const allowOrigins = opts.allowOrigins.map((o) => new URL(o).origin);
  const loopbackOnly = isLoopbackHost(opts.host);

  const clients = new Set<Client>();
  const producers = new Subject<ProducerStream>();
  let streamCount = 0;
  /** Clients with a stream running: what maxProducers bounds. */
  let activeProducers = 0;
  let shuttingDown = false;

  const http = createServer((req, res) => serveAsset(opts.assets, req, res));
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: opts.maxPayload,
    clientTracking: false,
    // The upgrade handler has refused a handshake offering none of ours, so this never throws.
    handleProtocols: (offered) => negotiateProtocol(offered).subprotocol ?? false,
  });
  wss.on('error', () => {}); // only surfaces through handleUpgrade, which we drive; 'close' per socket follows
  http.on('clientError', (_err, socket) => socket.destroy());

  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== opts.path) return refuseUpgrade(socket, 404, `no WebSocket at ${url.pathname}`);
    if (!isAllowedOrigin(req.headers.origin, req.headers.host, allowOrigins, loopbackOnly)) {
      return refuseUpgrade(socket, 403, `origin ${req.headers.origin} is not allowed`);
    }
    if (shuttingDown) return refuseUpgrade(socket, 503, 'the server is shutting down');
    const urlToken = url.searchParams.get('token');
    if (urlToken !== null && opts.token !== undefined && !sameSecret(urlToken, opts.token)) {
      return refuseUpgrade(socket, 401, 'wrong token');
    }
    if (opts.requireTokenForConsumers && urlToken === null) {
      return refuseUpgrade(socket, 401, 'this server needs its token from every client: add ?token=… to the socket URL');
    }
    const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim()).filter((p) => p !== '');
    try {
      negotiateProtocol(offered);
    } catch (err) {
      return refuseUpgrade(socket, 400, (err as Error).message);
    }
    const authorized = opts.token === undefined || urlToken !== null;
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, authorized));
  });

  function onConnection(ws: WebSocket, authorized: boolean): void {
    const client: Client = {
      ws,
      protocol: SUBPROTOCOLS.get(ws.protocol) ?? 1,
      outbox: new ClientOutbox(ws, opts.queueLimit),
      alive: true,
      authorized,
      producer: false,
      owned: new Set(),
      messageBudget: new TokenBucket(opts.maxMessagesPerSecond, opts.maxMessagesPerSecond),
      byteBudget: new TokenBucket(opts.maxBytesPerSecond, opts.maxBytesPerSecond),
      closing: false,
    };
    clients.add(client);
    ws.on('error', () => {}); // e.g. ECONNRESET or a protocol violation: 'close' follows and cleans up
    ws.on('pong', () => {
      client.alive = true;
    });
    // ws answers pings itself; they still count against the message rate, or they would be a free flood.
    ws.on('ping', (data: Buffer) => void admit(client, data.length));
    ws.on('close', () => {
      clients.delete(client);
      endActiveStream(client);
      client.outbox.clear();
    });
    ws.on('message', (data: RawData, isBinary: boolean) => {
      const bytes = toBytes(data);
      if (!admit(client, bytes.length)) return;
      try {
        if (isBinary) onPcm(client, bytes);
        else onText(client, bytes.toString());
      } catch (err) {
        const message = err instanceof InputError ? err.message : `internal error: ${(err as Error).message}`;
        sendTo(client, { type: 'error', message });
      }
    });
    let extra: object = {};
    let failure: string | undefined;
    try {
      extra = opts.hello();
    } catch (err) {
      failure = `internal error: hello: ${(err as Error).message}`; // a greeting without extras beats a crash
    }
    sendTo(client, { ...extra, type: 'hello', protocol: client.protocol, server: SERVER_NAME } as HelloMessage);
    if (failure !== undefined) sendTo(client, { type: 'error', message: failure });
  }

  /**
   * Whether a message of `size` bytes from this client is handled: not while it (or the server)
   * is closing; and a client over its rate limits is told which, and closed with 1008.
   */
  function admit(client: Client, size: number): boolean {
    if (client.closing || shuttingDown) return false;
    if (!client.messageBudget.take(1)) {
      refuse(client, CLOSE_POLICY, 'message rate limit', `rate: more than ${opts.maxMessagesPerSecond} messages a second from this connection (maxMessagesPerSecond); closing it`);
      return false;
    }
    if (!client.byteBudget.take(size)) {
      refuse(client, CLOSE_POLICY, 'byte rate limit', `rate: more than ${opts.maxBytesPerSecond} bytes a second from this connection (maxBytesPerSecond); closing it`);
      return false;
    }
    return true;
  }

  /**
   * Tells the client why in an `error`, then closes it with `code` (the `reason`, short enough for a
   * close frame, says it again). Its running stream fails: its audio is incomplete.
   */
  function refuse(client: Client, code: number, reason: string, message: string): void {
    client.closing = true;
    endActiveStream(client, new InputError('producer', `closed by the server: ${message}`));
    sendTo(client, { type: 'error', message });
    client.outbox.close(code, reason);
  }

  function onText(client: Client, text: string): void {
    const msg = decodeClientMessage(text);
    switch (msg.type) {
      case 'ping':
        return sendTo(client, { type: 'pong' });
      case 'start':
        return startStream(client, msg);
      case 'stop':
        if (!client.active) throw new InputError('stop', 'no stream is running on this connection; send start first');
        return endActiveStream(client);
    }
  }

  function startStream(client: Client, msg: StartMessage): void {
    if (!client.authorized) {
      if (msg.token === undefined) {
        throw new InputError('start', 'this server needs a token: add ?token=… to the socket URL or "token" to start');
      }
      if (!sameSecret(msg.token, opts.token!)) throw new InputError('start', 'wrong token');
      client.authorized = true;
    }
    if (activeProducers - (client.active ? 1 : 0) >= opts.maxProducers) {
      const message = `start: the server already has ${opts.maxProducers} producers streaming, its limit (maxProducers); try again later`;
      return refuse(client, CLOSE_TRY_AGAIN_LATER, 'too many producers', message);
    }
    endActiveStream(client); // a second start ends the previous stream first (protocol.md)
    const id = `${opts.streamIdPrefix}s${++streamCount}`;
    const pcm = new Subject<Uint8Array>();
    client.active = { id, encoding: msg.encoding, channels: msg.channels, pcm };
    activeProducers += 1;
    client.producer = true;
    client.owned.add(id);
    sendTo(client, { type: 'started', stream: id, channels: msg.channels });
    const stream: ProducerStream = {
      id,
      sampleRate: msg.sampleRate,
      encoding: msg.encoding,
      channels: msg.channels,
      learn: msg.learn,
      pcm$: pcm.asObservable(),
    };
    if (msg.labels !== undefined) stream.labels = msg.labels;
    producers.next(stream);
  }

  function onPcm(client: Client, bytes: Buffer): void {
    const active = client.active;
    if (!active) throw new InputError('binary', 'audio received with no stream running; send {"type":"start",…} first');
    assertPcmBytes(bytes, active.encoding, active.channels);
    // A copy: ws may hand us a view into a buffer it reuses.
    active.pcm.next(new Uint8Array(bytes));
  }

  /** Completes the client's running stream, or fails it with `failure` when its audio was cut off. */
  function endActiveStream(client: Client, failure?: InputError): void {
    const active = client.active;
    if (!active) return;
    client.active = undefined;
    activeProducers -= 1;
    if (failure) active.pcm.error(failure);
    else active.pcm.complete();
  }

  /** Sends a message to one client, as its protocol version has it (if it has it at all). */
  function sendTo(client: Client, msg: ServerMessage): void {
    const text = encodeServerMessageFor(msg, client.protocol);
    if (text !== undefined) client.outbox.push(Buffer.from(text));
  }

  function publish(msg: LearnerEvent | ServerMessage): void {
    // encoded once per protocol version, shared by every client
    publishEncoded(encodeForClients(msg));
  }

  function publishEncoded({ stream, final, bytes, v1 }: EncodedMessage): void {
    for (const client of clients) {
      if (stream !== undefined && client.producer && !client.owned.has(stream)) continue;
      const message = client.protocol === 1 && v1 !== undefined ? v1 : bytes;
      if (message !== null) client.outbox.push(message);
    }
    // After its `end`, or an error about it, nothing more comes for a stream: stop tracking it.
    if (final && stream !== undefined) for (const client of clients) client.owned.delete(stream);
  }

  /** Resolves once `done()` holds (checked every 10 ms) or after `timeoutMs`, whichever is first. */
  async function waitFor(done: () => boolean, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  }

  const heartbeat = setInterval(() => {
    for (const client of clients) {
      if (!client.alive) {
        client.ws.terminate();
        continue;
      }
      client.alive = false;
      if (client.ws.readyState === WebSocket.OPEN) client.ws.ping();
    }
  }, opts.heartbeatMs);
  heartbeat.unref(); // the server keeps the process alive through its listening socket, not this timer

  await listen(http, opts.port, opts.host);
  const address = http.address();
  const port = typeof address === 'object' && address !== null ? address.port : opts.port;
  const urlHost = urlHostOf(opts.host);

  let closing: Promise<void> | undefined;
  function close(): Promise<void> {
    closing ??= (async () => {
      shuttingDown = true;
      clearInterval(heartbeat);
      // Flush first: producers that sent audio get its predictions and `end` before the close.
      for (const client of clients) endActiveStream(client);
      const anyPending = () => [...clients].some((c) => c.owned.size > 0);
      await waitFor(() => !anyPending(), opts.closeTimeoutMs);
      for (const client of clients) client.outbox.close(CLOSE_GOING_AWAY, 'server shutting down');
      await waitFor(() => clients.size === 0, opts.closeTimeoutMs);
      for (const client of clients) client.ws.terminate(); // a client that never answered the close
      clients.clear();
      producers.complete();
      wss.close();
      await new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      });
    })();
    return closing;
  }

  return {
    url: `http://${urlHost}:${port}/`,
    wsUrl: `ws://${urlHost}:${port}${opts.path}`,
    port,
    producers$: producers.asObservable(),
    publish,
    publishEncoded,
    close,
  };
}

type ResolvedOptions = Required<Omit<PredictionServerOptions, 'token' | 'assets'>> &
  Pick<PredictionServerOptions, 'token' | 'assets'>;

/** Throws ConfigError naming the first impossible option. */
function assertServerOptions(o: ResolvedOptions): void {
  if (!Number.isInteger(o.port) || o.port < 0 || o.port > 65535) {
    throw new ConfigError(`port must be an integer from 0 to 65535, got ${o.port}`);
  }
  if (typeof o.host !== 'string' || o.host.length === 0) throw new ConfigError(`host must be a non-empty string`);
  if (typeof o.path !== 'string' || !o.path.startsWith('/')) {
    throw new ConfigError(`path must start with "/", got ${JSON.stringify(o.path)}`);
  }
  if (o.assets?.has(o.path)) throw new ConfigError(`path ${o.path} is both the WebSocket and a page asset`);
  if (!/^[A-Za-z0-9_-]*$/.test(o.streamIdPrefix)) {
    throw new ConfigError(`streamIdPrefix may hold letters, digits, '-' and '_' only, got ${JSON.stringify(o.streamIdPrefix)}`);
  }
  const counts: [string, number][] = [
    ['maxPayload', o.maxPayload],
    ['queueLimit', o.queueLimit],
    ['heartbeatMs', o.heartbeatMs],
    ['maxProducers', o.maxProducers],
    ['maxMessagesPerSecond', o.maxMessagesPerSecond],
    ['maxBytesPerSecond', o.maxBytesPerSecond],
    ['closeTimeoutMs', o.closeTimeoutMs],
  ];
  for (const [name, value] of counts) {
    if (!Number.isInteger(value) || value < 1) throw new ConfigError(`${name} must be a positive integer, got ${value}`);
  }
  if (o.maxBytesPerSecond < o.maxPayload) {
    throw new ConfigError(`maxBytesPerSecond (${o.maxBytesPerSecond}) must be at least maxPayload (${o.maxPayload}), or one message of the largest size would close its connection`);
  }
  if (o.requireTokenForConsumers && o.token === undefined) {
    throw new ConfigError('requireTokenForConsumers needs a token (option token or env PHONESTREAM_TOKEN)');
  }
  if (o.token !== undefined && (typeof o.token !== 'string' || o.token.length === 0)) {
    throw new ConfigError('token must be a non-empty string when given');
  }
  if (!Array.isArray(o.allowOrigins)) throw new ConfigError('allowOrigins must be an array of origins');
  for (const origin of o.allowOrigins) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    if (parsed === undefined || parsed.origin === 'null') {
      throw new ConfigError(`allowOrigins: ${JSON.stringify(origin)} is not an origin like "http://localhost:5173"`);
    }
  }
  if (typeof o.hello !== 'function') throw new ConfigError('hello must be a function returning an object');
}

function serveAsset(assets: Map<string, PageAsset> | undefined, req: IncomingMessage, res: ServerResponse): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain' }).end('method not allowed\n');
    return;
  }
  const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
  const asset = assets?.get(pathname === '/' ? '/index.html' : pathname);
  if (asset === undefined) {
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end(`not found: ${pathname}\n`);
    return;
  }
  res.writeHead(200, {
    'Content-Type': asset.contentType,
    'Content-Length': asset.body.byteLength,
    'Cache-Control': 'no-cache',
  });
  res.end(req.method === 'HEAD' ? undefined : asset.body);
}

/** Answers a refused handshake with a plain HTTP status, as ws does for its own refusals. */
function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  const titles: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 503: 'Service Unavailable' };
  const body = `${reason}\n`;
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${titles[status]}\r\nConnection: close\r\nContent-Type: text/plain\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function toBytes(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

function listen(http: ReturnType<typeof createServer>, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      reject(new ConfigError(`cannot listen on ${host}:${port}: ${err.code ?? err.message}`));
    };
    http.once('error', onError);
    http.listen(port, host, () => {
      http.off('error', onError);
      http.on('error', () => {}); // after listening, errors belong to single connections
      resolve();
    });
  });
}

/** The host as it appears in a URL: IPv6 in brackets; the wildcard address as loopback, which a client can dial. */
function urlHostOf(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

function withoutUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

