/** HTTP helpers of the simulator: JSON replies, body limits, query params. */

import type { IncomingMessage, ServerResponse } from 'node:http';

/** Largest request body accepted; larger bodies get HTTP 413. */
export const MAX_BODY_BYTES = 16 * 1024;

/** Headers that a Gen2 device sends with every reply. */
const DEVICE_HEADERS = {
  'Content-Type': 'application/json',
  'Access-Control-Allow-Origin': '*',
  Connection: 'close',
};

export class BodyTooLargeError extends Error {
  constructor() {
    super(`Request body exceeds ${MAX_BODY_BYTES} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

/** Sends `body` as JSON and closes the connection after it. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent || res.destroyed) {
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...DEVICE_HEADERS,
    ...headers,
    'Content-Length': String(Buffer.byteLength(text)),
  });
  res.end(text);
}

/**
 * Reads the request body as UTF-8. Rejects with BodyTooLargeError as soon as
 * the declared or received size passes MAX_BODY_BYTES.
 */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_BODY_BYTES) {
      reject(new BodyTooLargeError());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.removeAllListeners('data');
        req.pause();
        reject(new BodyTooLargeError());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * Converts query parameters to RPC params the way the device does: each
 * value is read as JSON (`on=true`, `id=0`) and kept as a string otherwise.
 */
export function queryToParams(query: URLSearchParams): Record<string, unknown> {
  const params: Record<string, unknown> = Object.create(null);
  for (const [key, raw] of query) {
    params[key] = parseQueryValue(raw);
  }
  return params;
}

function parseQueryValue(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/** Splits a request target into its path and query without decoding it. */
export function splitTarget(target: string): {
  path: string;
  query: URLSearchParams;
} {
  const mark = target.indexOf('?');
  if (mark < 0) {
    return { path: target, query: new URLSearchParams() };
  }
  return {
    path: target.slice(0, mark),
    query: new URLSearchParams(target.slice(mark + 1)),
  };
}
