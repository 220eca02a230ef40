/**
 * The `HttpServerDriver` on Espruino, over `require('http').createServer`.
 *
 * - At most `maxSockets` requests are open at once (default 8), because
 *   the ESP32 build has about 10 sockets in total. Requests beyond that get
 *   a 503 JSON error. The SSE hub caps event streams separately.
 * - The body is read before the handler runs. A body over `maxBodyBytes`
 *   gets a 413, and one not complete within `requestTimeoutMs` a 408.
 * - `GET` requests for web app files are served from `staticFiles` (the SD
 *   card's `html/` folder) in chunks, each sent after the previous one
 *   drained, so a large file never sits in RAM. Paths that are not there
 *   go to the handler, which replies 404.
 * - Espruino adds no Content-Type or Content-Length, so every reply here
 *   sets them itself.
 * - A handler that throws gets a 500 JSON error, and the error is logged.
 */
import type {
  HttpModule,
  HttpServer,
  HttpServerRequest,
  HttpServerResponse,
} from '../espruino';
import type {
  HttpServerDriver,
  RequestHandler,
  ServerRequest,
} from '../http-server';
import type { Timers } from '../platform';
import { MIME_TYPES, resolveStaticPath } from '../../lib/api-files';
import { sendJson, splitUrl } from '../../lib/api-http';
import type { Logger } from '../../lib/logger';
import { wrapResponse, type EspruinoResponse } from './http-response';
import { serveFile, type FileSource } from './static-files';

export interface EspruinoHttpServerOptions {
  http: HttpModule;
  port: number;
  log: Logger;
  timers: Timers;
  /** Addresses the server is reachable at, read when it starts listening. */
  addresses: () => string[];
  /** Web app files, e.g. the SD card's `html/` folder; null serves none. */
  staticFiles: FileSource | null;
  maxBodyBytes?: number;
  maxSockets?: number;
  /** Most header lines and header bytes a request may have. */
  maxHeaders?: number;
  maxHeaderBytes?: number;
  requestTimeoutMs?: number;
}

/** Bytes of the names and values of `headers`, or -1 past `limit`. */
function headerBytes(headers: Record<string, string>, limit: number): number {
  const names = Object.keys(headers || {});
  let bytes = 0;
  for (let i = 0; i < names.length && bytes <= limit; i++) {
    bytes += names[i].length + String(headers[names[i]]).length;
  }
  return bytes > limit ? -1 : bytes;
}

function lowerCaseHeaders(raw: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  const names = Object.keys(raw || {});
  for (let i = 0; i < names.length; i++) {
    out[names[i].toLowerCase()] = String(raw[names[i]]);
  }
  return out;
}

function fail(res: EspruinoResponse, status: number, message: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, status, { error: message });
}

function extensionOf(path: string): string {
  const dot = path.lastIndexOf('.');
  return dot < 0 ? '' : path.slice(dot + 1).toLowerCase();
}

/** Serves a web app file when `source` has it; returns whether it did. */
function tryStatic(
  source: FileSource | null,
  method: string,
  path: string,
  res: EspruinoResponse,
): boolean {
  if (!source || method !== 'GET') return false;
  if (path === '/events' || path === '/api' || path.indexOf('/api/') === 0) {
    return false;
  }
  const resolved = resolveStaticPath(path);
  if (!resolved.ok) return false;
  const file = source.open(resolved.value);
  if (!file) return false;
  res.writeHead(200, {
    'Content-Type': MIME_TYPES[extensionOf(resolved.value)],
    'Content-Length': String(file.size),
    'Cache-Control': 'no-cache',
    'X-Content-Type-Options': 'nosniff',
  });
  serveFile(res, file);
  return true;
}

export function createEspruinoHttpServer(
  options: EspruinoHttpServerOptions,
): HttpServerDriver {
  const log = options.log;
  const timers = options.timers;
  const maxBodyBytes = options.maxBodyBytes || 4096;
  const maxSockets = options.maxSockets || 8;
  const maxHeaders = options.maxHeaders || 40;
  const maxHeaderBytes = options.maxHeaderBytes || 4096;
  const requestTimeoutMs = options.requestTimeoutMs || 10000;
  let server: HttpServer | null = null;
  let openSockets = 0;

  function dispatch(
    handler: RequestHandler,
    req: HttpServerRequest,
    res: EspruinoResponse,
    body: string,
  ): void {
    const request: ServerRequest = {
      method: req.method,
      url: req.url,
      headers: lowerCaseHeaders(req.headers),
      body,
      // Espruino does not report the client's address.
      remoteAddress: '',
    };
    try {
      const path = splitUrl(req.url).path;
      if (tryStatic(options.staticFiles, req.method, path, res)) return;
      handler(request, res);
    } catch (err) {
      log.error('request handler failed', {
        method: request.method,
        url: request.url,
        error: err,
      });
      fail(res, 500, 'internal server error');
    }
  }

  /**
   * Reads the body with a size cap and a deadline, then dispatches. The
   * listeners are removed once the body is complete or rejected, so an
   * event stream does not keep them for as long as it is open.
   */
  function readBody(
    handler: RequestHandler,
    req: HttpServerRequest,
    res: EspruinoResponse,
  ): void {
    let body = '';
    // Events that Espruino queued before the removal may still arrive.
    let done = false;
    const timer = timers.setTimeout(() => {
      finish();
      log.warn('request body timed out', { url: req.url, requestTimeoutMs });
      fail(res, 408, 'request not complete within ' + requestTimeoutMs + ' ms');
    }, requestTimeoutMs);

    function finish(): void {
      done = true;
      timers.clearTimeout(timer);
      req.removeListener('data', onData);
      req.removeListener('end', onEnd);
      req.removeListener('close', finish);
    }

    function onData(chunk: string): void {
      if (done) return;
      body += chunk;
      if (body.length <= maxBodyBytes) return;
      finish();
      log.warn('request body too large', { url: req.url, maxBodyBytes });
      fail(res, 413, 'request body exceeds ' + maxBodyBytes + ' bytes');
    }

    function onEnd(): void {
      if (done) return;
      finish();
      dispatch(handler, req, res, body);
    }

    req.on('data', onData);
    req.on('end', onEnd);
    req.on('close', finish);
  }

  function onRequest(
    handler: RequestHandler,
    req: HttpServerRequest,
    raw: HttpServerResponse,
  ): void {
    const res = wrapResponse(req, raw);
    let counted = true;
    openSockets++;
    res.onClose(() => {
      if (counted) openSockets--;
      counted = false;
    });
    if (openSockets > maxSockets) {
      log.warn('request rejected, too many open sockets', { maxSockets });
      fail(res, 503, 'too many open connections (max ' + maxSockets + ')');
      return;
    }
    // Checked before the headers are copied, because each one costs
    // Espruino variables and 500 headers ran the interpreter out of memory.
    const count = Object.keys(req.headers || {}).length;
    if (count > maxHeaders || headerBytes(req.headers, maxHeaderBytes) < 0) {
      log.warn('request rejected, headers too large', {
        url: req.url,
        headers: count,
        maxHeaders,
        maxHeaderBytes,
      });
      fail(
        res,
        431,
        'request headers exceed ' +
          maxHeaders +
          ' lines or ' +
          maxHeaderBytes +
          ' bytes',
      );
      return;
    }
    readBody(handler, req, res);
  }

  function urls(): string[] {
    const suffix = options.port === 80 ? '/' : ':' + options.port + '/';
    return options.addresses().map((ip) => 'http://' + ip + suffix);
  }

  return {
    listen(handler) {
      if (server) {
        return Promise.reject(new Error('server is already listening'));
      }
      try {
        server = options.http.createServer((req, res) =>
          onRequest(handler, req, res),
        );
        server.listen(options.port);
      } catch (err) {
        server = null;
        return Promise.reject(err);
      }
      return Promise.resolve(urls());
    },
    close() {
      if (server) server.close();
      server = null;
      return Promise.resolve();
    },
  };
}
