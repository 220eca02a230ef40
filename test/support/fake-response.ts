/**
 * A `ServerResponse` that records what is written. Set `writable = false`
 * to make `write()` return false as a full socket does, then call `drain()`
 * or `disconnect()` as the client would.
 */
import type {
  ServerRequest,
  ServerResponse,
} from '../../firmware/drivers/http-server';

export interface FakeResponse extends ServerResponse {
  status: number | null;
  headers: Record<string, string>;
  chunks: string[];
  ended: boolean;
  destroyed: boolean;
  /** What `write()` returns. */
  writable: boolean;
  drain(): void;
  disconnect(): void;
  text(): string;
}

function asText(chunk: string | Uint8Array): string {
  return typeof chunk === 'string'
    ? chunk
    : Buffer.from(chunk).toString('utf8');
}

export function createFakeResponse(): FakeResponse {
  const closeListeners: (() => void)[] = [];
  const drainListeners: (() => void)[] = [];
  let closed = false;

  function close(): void {
    if (closed) return;
    closed = true;
    for (const listener of closeListeners) listener();
  }

  const res: FakeResponse & { destroy(): void } = {
    status: null,
    headers: {},
    chunks: [],
    ended: false,
    destroyed: false,
    writable: true,
    writeHead(status, headers) {
      if (res.status !== null) throw new Error('writeHead called twice');
      res.status = status;
      res.headers = headers;
    },
    write(chunk) {
      if (res.ended || res.destroyed) throw new Error('write after end');
      res.chunks.push(asText(chunk));
      return res.writable;
    },
    end(chunk) {
      if (res.ended) throw new Error('end called twice');
      if (chunk !== undefined) res.chunks.push(asText(chunk));
      res.ended = true;
      close();
    },
    destroy() {
      res.destroyed = true;
      close();
    },
    onClose: (listener) => closeListeners.push(listener),
    onDrain: (listener) => drainListeners.push(listener),
    drain() {
      res.writable = true;
      for (const listener of drainListeners) listener();
    },
    disconnect: close,
    text: () => res.chunks.join(''),
  };
  return res;
}

export function fakeRequest(
  headers: Record<string, string> = {},
): ServerRequest {
  return {
    method: 'GET',
    url: '/events',
    headers,
    body: '',
    remoteAddress: '127.0.0.1',
  };
}
