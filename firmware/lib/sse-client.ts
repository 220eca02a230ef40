/**
 * One Server-Sent Events client with its own send queue. While the socket
 * is full (`write()` returned false), messages wait in the queue, and
 * `onDrain` sends them in one write. A queue over its cap means the client
 * stopped reading, so the hub drops it.
 */
import type { ServerResponse } from '../drivers/http-server';

/** A response that can also be aborted; the Node driver offers `destroy`. */
export type AbortableResponse = ServerResponse & { destroy?: () => void };

export interface SseClient {
  /** Counts clients since start, for logs. */
  number: number;
  remoteAddress: string;
  res: AbortableResponse;
  pending: string[];
  /** Queued characters; close to bytes for the mostly ASCII messages. */
  pendingBytes: number;
  blocked: boolean;
  closed: boolean;
}

export function createSseClient(
  number: number,
  remoteAddress: string,
  res: ServerResponse,
): SseClient {
  return {
    number,
    remoteAddress,
    res,
    pending: [],
    pendingBytes: 0,
    blocked: false,
    closed: false,
  };
}

/**
 * Writes `text`, or queues it while the socket is full. Returns why the
 * client must be dropped, or null.
 */
export function deliver(
  client: SseClient,
  text: string,
  maxBufferBytes: number,
): string | null {
  if (client.closed) return null;
  if (client.blocked) {
    client.pending.push(text);
    client.pendingBytes += text.length;
    if (client.pendingBytes <= maxBufferBytes) return null;
    return 'send queue passed ' + maxBufferBytes + ' bytes';
  }
  try {
    if (!client.res.write(text)) client.blocked = true;
    return null;
  } catch (err) {
    return 'write failed: ' + String(err);
  }
}

/** Sends the queue after a drain; returns why to drop the client, or null. */
export function flushQueue(client: SseClient): string | null {
  if (client.closed) return null;
  client.blocked = false;
  if (client.pending.length === 0) return null;
  const text = client.pending.join('');
  client.pending = [];
  client.pendingBytes = 0;
  return deliver(client, text, Infinity);
}

/** Ends the stream, aborting it when the response allows. */
export function closeResponse(client: SseClient, abort: boolean): void {
  client.closed = true;
  client.pending = [];
  if (abort && client.res.destroy) client.res.destroy();
  else client.res.end();
}
