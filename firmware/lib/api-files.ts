/**
 * File routes of the web API: the web app's static files and the SD log
 * files. Only names that pass the checks here reach a reader, so requests
 * cannot leave the web root or the `logs/` folder.
 */
import type { ServerResponse } from '../drivers/http-server';
import type { FileStore } from '../drivers/storage';
import { sendFailure, sendJson, type Failure, type Parsed } from './api-http';
import { isLogFileName } from './log-format';
import type { Logger } from './logger';
import type { AbortableResponse } from './sse-client';

/** Served file types by extension. Other extensions are never served. */
export const MIME_TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'application/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  json: 'application/json; charset=utf-8',
  webmanifest: 'application/manifest+json',
  svg: 'image/svg+xml',
  png: 'image/png',
  ico: 'image/x-icon',
  txt: 'text/plain; charset=utf-8',
};

/** Secrets that share an extension with served files. */
const SECRET_FILE = /^secrets.*\.json$/i;

/** Characters sent per `write()` when streaming a static file. */
const CHUNK_CHARS = 4096;

/** Bytes read from the card per `write()` when streaming a log file. */
const CHUNK_BYTES = 4096;

function fail(status: number, message: string): Parsed<string> {
  return { ok: false, failure: { status, message } };
}

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? '' : name.slice(dot + 1).toLowerCase();
}

/**
 * Maps a raw request path to a path inside the web root, or fails: 400 for
 * encoded slashes, bad escapes and `.` or `..` segments, 404 for hidden
 * files, secrets and types outside `MIME_TYPES`.
 */
export function resolveStaticPath(rawPath: string): Parsed<string> {
  if (rawPath === '/') return { ok: true, value: 'index.html' };
  if (/%2f|%5c|\\/i.test(rawPath)) {
    return fail(
      400,
      'encoded slashes and backslashes are not allowed in paths',
    );
  }
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    return fail(400, 'invalid percent-encoding in path');
  }
  if (/[\x00-\x1f]/.test(path)) {
    return fail(400, 'control characters are not allowed in paths');
  }
  const segments = path.slice(1).split('/');
  for (const segment of segments) {
    if (segment === '.' || segment === '..') {
      return fail(400, 'path segments . and .. are not allowed');
    }
    if (segment === '' || segment.charAt(0) === '.') {
      return fail(404, 'not found: ' + path);
    }
  }
  const name = segments[segments.length - 1];
  if (SECRET_FILE.test(name) || !MIME_TYPES[extensionOf(name)]) {
    return fail(404, 'not found: ' + path);
  }
  return { ok: true, value: segments.join('/') };
}

/**
 * Writes `text` in chunks, waiting for `onDrain` whenever `write()` returns
 * false, and stops when the client goes away.
 */
export function streamText(res: ServerResponse, text: string): void {
  let offset = 0;
  let done = false;

  function pump(): void {
    while (!done && offset < text.length) {
      let end = Math.min(offset + CHUNK_CHARS, text.length);
      // Keep a UTF-16 surrogate pair in one chunk, or it is sent broken.
      const last = text.charCodeAt(end - 1);
      if (last >= 0xd800 && last <= 0xdbff && end < text.length) end++;
      const chunk = text.slice(offset, end);
      offset = end;
      if (!res.write(chunk)) return;
    }
    if (!done) {
      done = true;
      res.end();
    }
  }

  res.onClose(() => {
    done = true;
  });
  res.onDrain(pump);
  pump();
}

/**
 * Response headers for a web app file. HTML pages may not be framed, so
 * another site cannot overlay the relay button (clickjacking).
 */
export function staticHeaders(path: string): Record<string, string> {
  const type = MIME_TYPES[extensionOf(path)];
  const headers: Record<string, string> = {
    'Content-Type': type,
    'Cache-Control': 'no-cache',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  };
  if (type === MIME_TYPES.html) {
    headers['X-Frame-Options'] = 'DENY';
    headers['Content-Security-Policy'] = "frame-ancestors 'none'";
  }
  return headers;
}

export function serveStatic(
  res: ServerResponse,
  rawPath: string,
  readStatic: (path: string) => string | Uint8Array | null,
): void {
  const resolved = resolveStaticPath(rawPath);
  if (!resolved.ok) {
    sendFailure(res, resolved.failure);
    return;
  }
  const text = readStatic(resolved.value);
  if (text === null) {
    sendFailure(res, { status: 404, message: 'not found: ' + rawPath });
    return;
  }
  res.writeHead(200, staticHeaders(resolved.value));
  if (typeof text === 'string') streamText(res, text);
  else res.end(text);
}

function storageFailure(err: unknown): Failure {
  const reason = err instanceof Error ? err.message : String(err);
  return { status: 503, message: 'log storage unavailable: ' + reason };
}

/** Lists `logs/` as `{ files: [{ name, bytes }] }`, newest day first. */
export function listLogs(
  res: ServerResponse,
  store: FileStore,
): Failure | null {
  let files: { name: string; bytes: number }[];
  try {
    const names = store.list('logs').filter((n) => isLogFileName(n));
    names.sort();
    names.reverse();
    files = names.map((name) => ({ name, bytes: store.size('logs/' + name) }));
  } catch (err) {
    return storageFailure(err);
  }
  sendJson(res, 200, { files });
  return null;
}

/**
 * Streams `size` bytes of `path` in chunks read with `readRange`, waiting for
 * `onDrain` whenever `write()` returns false. Rows appended meanwhile are
 * left out, so the download ends on a whole line. A storage error after the
 * headers went out aborts the response, so the download shows as failed.
 */
function streamFile(
  res: AbortableResponse,
  store: FileStore,
  path: string,
  size: number,
  log: Logger,
): void {
  let offset = 0;
  let done = false;

  function abort(err: unknown): void {
    done = true;
    log.warn('log download failed', { file: path, offset, error: err });
    if (res.destroy) res.destroy();
    else res.end();
  }

  function pump(): void {
    while (!done && offset < size) {
      let chunk: string | null;
      try {
        // NOTE: a chunk boundary inside a multi-byte UTF-8 character breaks
        // that character; rows are ASCII unless the plug reports otherwise.
        chunk = store.readRange(
          path,
          offset,
          Math.min(CHUNK_BYTES, size - offset),
        );
      } catch (err) {
        abort(err);
        return;
      }
      if (chunk === null || chunk === '') break; // the file was cut short meanwhile
      offset += CHUNK_BYTES;
      if (!res.write(chunk)) return;
    }
    if (!done) {
      done = true;
      res.end();
    }
  }

  res.onClose(() => {
    done = true;
  });
  res.onDrain(pump);
  pump();
}

/** Sends one log file as a download. `name` is the raw path segment. */
export function downloadLog(
  res: ServerResponse,
  store: FileStore,
  name: string,
  log: Logger,
): Failure | null {
  if (!isLogFileName(name)) {
    return {
      status: 400,
      message: 'invalid log file name: expected YYYY-MM-DD.csv or .jsonl',
    };
  }
  const path = 'logs/' + name;
  let size: number;
  try {
    size = store.size(path);
  } catch (err) {
    return storageFailure(err);
  }
  if (size < 0) return { status: 404, message: 'log file not found: ' + name };

  const csv = name.slice(-4) === '.csv';
  res.writeHead(200, {
    'Content-Type': csv ? 'text/csv; charset=utf-8' : 'application/x-ndjson',
    'Content-Disposition': 'attachment; filename="' + name + '"',
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  });
  streamFile(res, store, path, size, log);
  return null;
}
