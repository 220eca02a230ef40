/**
 * The `HttpServerDriver` on Node.js, over `node:http` or, with the `https`
 * option, `node:https`.
 *
 * - The body is read before the handler runs. A body over `maxBodyBytes`
 *   gets a 413 JSON error and the handler is never called.
 * - Node closes requests whose headers take longer than `headersTimeoutMs`
 *   or whose whole request takes longer than `requestTimeoutMs` with a 408.
 *   These limits cover only receiving the request, so SSE responses can
 *   stay open.
 * - A handler that throws gets a 500 JSON error, and the error is logged.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import type {
  HttpServerDriver,
  RequestHandler,
  ServerRequest,
  ServerResponse,
} from '../http-server';
import type { Logger } from '../../lib/logger';

export interface NodeHttpServerOptions {
  /** Address to bind, e.g. `127.0.0.1`, `0.0.0.0` or `::`. */
  host: string;
  /** TCP port, or 0 for any free port. */
  port: number;
  log: Logger;
  maxBodyBytes?: number;
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** PEM key and certificate. When given, the server speaks HTTPS. */
  https?: { key: string | Buffer; cert: string | Buffer };
}

const SECURITY_HEADERS = { 'X-Content-Type-Options': 'nosniff' };

function sendError(
  res: http.ServerResponse,
  status: number,
  message: string,
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
    Connection: 'close',
  });
  res.end(JSON.stringify({ error: message }));
}

function flattenHeaders(raw: http.IncomingHttpHeaders): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of Object.keys(raw)) {
    const value = raw[name];
    if (value === undefined) continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

/**
 * Wraps a Node response as a `ServerResponse` with `destroy()`, which drops
 * the connection without flushing, so the SSE hub can cut off a client
 * that stopped reading.
 */
function wrapResponse(
  res: http.ServerResponse,
): ServerResponse & { destroy(): void } {
  return {
    destroy: () => {
      res.destroy();
    },
    writeHead: (status, headers) => {
      res.writeHead(status, headers);
    },
    write: (chunk) => res.write(chunk),
    end: (chunk) => {
      if (chunk === undefined) res.end();
      else res.end(chunk);
    },
    onClose: (listener) => {
      res.on('close', listener);
    },
    onDrain: (listener) => {
      res.on('drain', listener);
    },
  };
}

/** Status line for a request Node's parser rejected before any handler. */
function clientErrorStatus(code: string | undefined): string {
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return '408 Request Timeout';
  if (code === 'HPE_HEADER_OVERFLOW') {
    return '431 Request Header Fields Too Large';
  }
  return '400 Bad Request';
}

/** Non-internal IPv4 addresses of this machine. */
function localIpv4Addresses(): string[] {
  const found: string[] = [];
  const interfaces = networkInterfaces();
  for (const name of Object.keys(interfaces)) {
    for (const info of interfaces[name] ?? []) {
      if (info.family === 'IPv4' && !info.internal) found.push(info.address);
    }
  }
  return found;
}

/**
 * URLs a server bound to `host` is reachable at. A wildcard host lists
 * `addresses` (the machine's non-internal IPv4 addresses) and 127.0.0.1.
 */
export function listenUrls(
  scheme: string,
  host: string,
  port: number,
  addresses: string[] = localIpv4Addresses(),
): string[] {
  const hosts =
    host === '0.0.0.0' || host === '::'
      ? addresses.concat('127.0.0.1')
      : [host];
  return hosts.map((h) => {
    const bracketed = h.includes(':') ? '[' + h + ']' : h;
    return scheme + '://' + bracketed + ':' + port + '/';
  });
}

/** Runs the handler; a handler that throws gets a 500 JSON error. */
function callHandler(
  handler: RequestHandler,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  body: string,
  log: Logger,
): void {
  const request: ServerRequest = {
    method: req.method ?? 'GET',
    url: req.url ?? '/',
    headers: flattenHeaders(req.headers),
    body,
    remoteAddress: req.socket.remoteAddress ?? '',
  };
  try {
    handler(request, wrapResponse(res));
  } catch (err) {
    log.error('request handler failed', {
      method: request.method,
      url: request.url,
      error: err,
    });
    sendError(res, 500, 'internal server error');
  }
}

export function createNodeHttpServer(
  options: NodeHttpServerOptions,
): HttpServerDriver {
  const log = options.log;
  const maxBodyBytes = options.maxBodyBytes ?? 4096;
  const headersTimeout = options.headersTimeoutMs ?? 10_000;
  const requestTimeout = options.requestTimeoutMs ?? 30_000;
  const scheme = options.https ? 'https' : 'http';
  let current: http.Server | null = null;

  function dispatch(
    handler: RequestHandler,
    req: http.IncomingMessage,
    res: http.ServerResponse,
  ): void {
    const chunks: Buffer[] = [];
    let received = 0;
    let rejected = false;

    req.on('data', (chunk: Buffer) => {
      if (rejected) return;
      received += chunk.length;
      if (received > maxBodyBytes) {
        rejected = true;
        chunks.length = 0;
        log.warn('request body too large', {
          url: req.url,
          maxBodyBytes,
          remoteAddress: req.socket.remoteAddress,
        });
        sendError(res, 413, 'request body exceeds ' + maxBodyBytes + ' bytes');
        return;
      }
      chunks.push(chunk);
    });

    req.on('end', () => {
      if (rejected) return;
      const body = Buffer.concat(chunks).toString('utf8');
      callHandler(handler, req, res, body, log);
    });

    req.on('error', (err) => {
      log.warn('request failed', { url: req.url, error: err });
    });
  }

  function createServer(handler: RequestHandler): http.Server {
    const settings = {
      headersTimeout,
      requestTimeout,
      // How often Node checks the two timeouts above (Node 20 default: 30 s).
      connectionsCheckingInterval: Math.min(1000, headersTimeout),
    };
    const listener = (req: http.IncomingMessage, res: http.ServerResponse) =>
      dispatch(handler, req, res);
    if (options.https) {
      const tls = {
        ...settings,
        key: options.https.key,
        cert: options.https.cert,
      };
      return https.createServer(tls, listener);
    }
    return http.createServer(settings, listener);
  }

  function listen(handler: RequestHandler): Promise<string[]> {
    if (current) {
      return Promise.reject(new Error('server is already listening'));
    }
    const server = createServer(handler);
    current = server;
    server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
      log.debug('rejected malformed or slow request', {
        code: err.code,
        error: err,
      });
      if (!socket.writable) {
        socket.destroy();
        return;
      }
      const status = clientErrorStatus(err.code);
      socket.end('HTTP/1.1 ' + status + '\r\nConnection: close\r\n\r\n');
    });

    return new Promise((resolve, reject) => {
      function onError(err: Error): void {
        if (current === server) current = null;
        reject(err);
      }
      server.once('error', onError);
      server.listen(options.port, options.host, () => {
        server.off('error', onError);
        if (current !== server) {
          server.close();
          reject(new Error('server was closed while starting'));
          return;
        }
        server.on('error', (err) => log.error('server error', { error: err }));
        const port = (server.address() as AddressInfo).port;
        resolve(listenUrls(scheme, options.host, port));
      });
    });
  }

  function close(): Promise<void> {
    const server = current;
    current = null;
    if (!server || !server.listening) return Promise.resolve();
    return new Promise((resolve) => {
      server.close(() => resolve());
      // Open SSE streams and idle keep-alive sockets would hold close() open.
      server.closeAllConnections();
    });
  }

  return { listen, close };
}
