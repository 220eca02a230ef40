/**
 * Server-Sent Events hub: forwards every bus event to the connected browsers.
 *
 * - Each event gets the next id and is sent as `id: N`, `event: <bus event
 *   name>`, `data: <payload JSON>`. The last `historySize` messages stay in
 *   a ring buffer.
 * - A client that reconnects with a `Last-Event-ID` still in the ring gets
 *   the messages it missed. Any other client first gets a `status` message
 *   with the full status snapshot, whose id is the latest event id.
 * - A `: ping` comment goes to every client every `heartbeatMs`.
 * - When `write()` returns false, messages for that client wait in its own
 *   queue until `onDrain`. A client whose queue passes `maxBufferBytes` is
 *   disconnected, and its browser reconnects and catches up.
 * - A client beyond `maxClients` gets a short stream: `retry: busyRetryMs`
 *   and a `busy` message, then the end. EventSource reconnects after that
 *   delay and joins once a slot is free. A 503 would stop EventSource for
 *   good. Dropping the oldest client instead would let more than
 *   `maxClients` open pages evict each other in a loop.
 * - The hub emits `server.clientsChanged` when the number of clients
 *   changes, at most once per change even when sending that event drops
 *   further clients.
 */
import type { Bus } from '../bus/bus';
import type { EventName } from '../bus/events';
import type { ServerRequest, ServerResponse } from '../drivers/http-server';
import type { Timers } from '../drivers/platform';
import type { Logger } from './logger';
import {
  closeResponse,
  createSseClient,
  deliver,
  flushQueue,
  type SseClient as Client,
} from './sse-client';

export interface SseHubOptions {
  bus: Bus;
  timers: Timers;
  log: Logger;
  /** The full status, sent to clients that cannot be caught up from history. */
  snapshot: () => unknown;
  maxClients?: number;
  historySize?: number;
  heartbeatMs?: number;
  /** Reconnection delay the browser should use, in ms. */
  retryMs?: number;
  /** Queued characters per client before it is dropped. */
  maxBufferBytes?: number;
  /** Reconnection delay for clients over `maxClients`, in ms. */
  busyRetryMs?: number;
}

export interface SseHub {
  /** Serves `GET /events`: takes over the response until the client leaves. */
  handle(req: ServerRequest, res: ServerResponse): void;
  clientCount(): number;
  /** Id of the latest event, 0 before the first. */
  lastEventId(): number;
  /** Ends every stream, stops the heartbeat and leaves the bus. */
  close(): void;
}

const SSE_HEADERS = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  // Stops reverse proxies such as nginx from buffering the stream.
  'X-Accel-Buffering': 'no',
};

/** Minimum time between two warnings about busy replies, in ms. */
const BUSY_WARNING_MS = 60_000;

export function formatMessage(
  id: number,
  event: string,
  data: unknown,
): string {
  const lines = [
    'id: ' + id,
    'event: ' + event,
    'data: ' + JSON.stringify(data),
  ];
  return lines.join('\n') + '\n\n';
}

export function createSseHub(options: SseHubOptions): SseHub {
  const bus = options.bus;
  const timers = options.timers;
  const log = options.log;
  const maxClients = options.maxClients ?? 4;
  const historySize = options.historySize ?? 50;
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const retryMs = options.retryMs ?? 3000;
  const maxBufferBytes = options.maxBufferBytes ?? 16_384;
  const busyRetryMs = options.busyRetryMs ?? 10_000;

  const clients: Client[] = [];
  const history: { id: number; text: string }[] = [];
  let lastId = 0;
  let clientNumber = 0;
  let heartbeat: unknown = null;
  let announcedCount = 0;
  let announcing = false;
  /** Busy replies since the last warning, and when that warning was. */
  let busySinceWarning = 0;
  let busyWarnedAt: number | null = null;

  // Sending `server.clientsChanged` can drop a slow client, which changes
  // the count again. The flag keeps that from nesting: the outer loop
  // announces the new count after the current emit returns.
  function announceCount(): void {
    if (announcing) return;
    announcing = true;
    try {
      while (announcedCount !== clients.length) {
        announcedCount = clients.length;
        bus.emit('server.clientsChanged', { sse: announcedCount });
      }
    } finally {
      announcing = false;
    }
  }

  function remove(client: Client): void {
    const index = clients.indexOf(client);
    if (index >= 0) clients.splice(index, 1);
    client.closed = true;
    if (clients.length === 0 && heartbeat !== null) {
      timers.clearTimeout(heartbeat);
      heartbeat = null;
    }
  }

  function drop(client: Client, reason: string): void {
    log.warn('dropping SSE client', {
      client: client.number,
      remoteAddress: client.remoteAddress,
      reason,
    });
    remove(client);
    try {
      closeResponse(client, true);
    } catch (err) {
      log.debug('closing SSE client failed', {
        client: client.number,
        error: err,
      });
    }
  }

  function send(client: Client, text: string): void {
    const reason = deliver(client, text, maxBufferBytes);
    if (reason) drop(client, reason);
  }

  function flush(client: Client): void {
    const reason = flushQueue(client);
    if (reason) drop(client, reason);
  }

  function broadcast(text: string): void {
    for (const client of clients.slice()) send(client, text);
    announceCount();
  }

  function onBusEvent(type: EventName, payload: unknown): void {
    lastId++;
    const text = formatMessage(lastId, type, payload);
    history.push({ id: lastId, text });
    if (history.length > historySize) history.shift();
    broadcast(text);
  }
  bus.onAny(onBusEvent);

  function beat(): void {
    heartbeat = null;
    if (clients.length === 0) return;
    broadcast(': ping\n\n');
    if (clients.length > 0) heartbeat = timers.setTimeout(beat, heartbeatMs);
  }

  /** Missed messages after `header`, or null when the ring lacks some. */
  function missedSince(header: string | undefined): string[] | null {
    if (header === undefined || !/^\d+$/.test(header.trim())) return null;
    const seen = parseInt(header.trim(), 10);
    if (seen > lastId) return null; // ids restarted with the logger
    if (seen === lastId) return [];
    if (history.length === 0 || history[0].id > seen + 1) return null;
    const missed: string[] = [];
    for (const item of history) if (item.id > seen) missed.push(item.text);
    return missed;
  }

  /**
   * Logs a busy reply: a warning with the count since the last warning, at
   * most once per `BUSY_WARNING_MS`, and a debug line in between.
   */
  function logBusy(req: ServerRequest): void {
    busySinceWarning++;
    const now = timers.now();
    if (busyWarnedAt !== null && now - busyWarnedAt < BUSY_WARNING_MS) {
      log.debug('SSE client rejected with a retry delay, too many clients', {
        remoteAddress: req.remoteAddress,
      });
      return;
    }
    log.warn('SSE clients rejected with a retry delay, too many clients', {
      remoteAddress: req.remoteAddress,
      maxClients,
      busyReplies: busySinceWarning,
      retryMs: busyRetryMs,
    });
    busyWarnedAt = now;
    busySinceWarning = 0;
  }

  /**
   * Sends a client over the cap `retry:` and a `busy` message, then
   * ends the stream, so EventSource tries again after `busyRetryMs`. The
   * message has no id, so the browser keeps its Last-Event-ID.
   */
  function sendBusy(req: ServerRequest, res: ServerResponse): void {
    logBusy(req);
    const busy = {
      error:
        'too many live pages (max ' +
        maxClients +
        '), retrying in ' +
        Math.round(busyRetryMs / 1000) +
        ' s',
      maxClients,
      retryMs: busyRetryMs,
    };
    res.writeHead(200, SSE_HEADERS);
    res.end(
      'retry: ' +
        busyRetryMs +
        '\n\nevent: busy\ndata: ' +
        JSON.stringify(busy) +
        '\n\n',
    );
  }

  /**
   * Adds the close and drain listeners. They are made here, not in
   * `handle`, because an Espruino closure keeps its whole scope alive, and
   * the request with its headers would stay in memory while the stream is
   * open.
   */
  function listen(client: Client): void {
    client.res.onClose(() => {
      if (client.closed) return;
      log.info('SSE client left', { client: client.number });
      remove(client);
      announceCount();
    });
    client.res.onDrain(() => flush(client));
  }

  function handle(req: ServerRequest, res: ServerResponse): void {
    if (clients.length >= maxClients) {
      sendBusy(req, res);
      return;
    }
    clientNumber++;
    const client = createSseClient(clientNumber, req.remoteAddress, res);
    res.writeHead(200, SSE_HEADERS);
    listen(client);

    send(client, 'retry: ' + retryMs + '\n\n');
    const missed = missedSince(req.headers['last-event-id']);
    if (missed) {
      for (const text of missed) send(client, text);
    } else {
      send(client, formatMessage(lastId, 'status', options.snapshot()));
    }
    if (client.closed) return;

    clients.push(client);
    log.info('SSE client joined', {
      client: client.number,
      remoteAddress: req.remoteAddress,
      replayed: missed ? missed.length : null,
    });
    if (heartbeat === null) heartbeat = timers.setTimeout(beat, heartbeatMs);
    announceCount();
  }

  function close(): void {
    bus.offAny(onBusEvent);
    for (const client of clients.slice()) {
      remove(client);
      closeResponse(client, false);
    }
    announceCount();
  }

  return {
    handle,
    close,
    clientCount: () => clients.length,
    lastEventId: () => lastId,
  };
}
