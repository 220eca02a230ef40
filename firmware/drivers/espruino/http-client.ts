/**
 * `HttpClient` over Espruino's `http` module, for reaching the plug.
 *
 * - Only `http://<IPv4 address>[:port]/path` URLs: Espruino resolves host
 *   names with a blocking lookup, so names are rejected.
 * - `http.request` and `req.end()` can throw, e.g. "Unable to create
 *   socket" for a refused connection. Such a throw becomes a rejected
 *   promise with code `network`.
 * - Espruino has no request timeout or abort. On timeout the driver sets
 *   the request's internal `clsNow` flag, which closes the socket on the
 *   next idle pass, and rejects with code `timeout`.
 * - `statusCode` arrives as a string and is parsed, header names are
 *   lower-cased, and the body is collected up to `maxBodyBytes`.
 */
import type {
  HttpClientRequest,
  HttpClientResponse,
  HttpModule,
} from '../espruino';
import {
  HttpError,
  type HttpClient,
  type HttpRequest,
  type HttpResponse,
} from '../http-client';
import type { Timers } from '../platform';

export interface EspruinoHttpClientOptions {
  http: HttpModule;
  timers: Timers;
  /** Largest reply body accepted, in bytes (default 16384). */
  maxBodyBytes?: number;
}

export interface ParsedTarget {
  host: string;
  port: number;
  path: string;
}

function isDigits(text: string): boolean {
  if (text === '') return false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 48 || code > 57) return false;
  }
  return true;
}

/** True for a dotted-quad IPv4 address such as 192.168.33.1. */
export function isIpv4(host: string): boolean {
  const parts = host.split('.');
  if (parts.length !== 4) return false;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (!isDigits(part) || part.length > 3 || parseInt(part, 10) > 255) {
      return false;
    }
  }
  return true;
}

function invalidTarget(url: string): HttpError {
  return new HttpError(
    'network',
    'invalid plug URL ' +
      JSON.stringify(url) +
      ': expected http://<IPv4 address>[:port]/path (host names and ' +
      'HTTPS are not supported on the device)',
  );
}

/**
 * Splits `http://192.168.33.1:80/rpc` into host, port and path. Throws for
 * HTTPS, host names, IPv6 and malformed addresses. Parsed by hand, because
 * Espruino's regular expressions lack `?`, `{n}` and `(?:` (2v29, measured
 * in the Linux build).
 */
export function parseTarget(url: string): ParsedTarget {
  const scheme = 'http://';
  if (url.slice(0, scheme.length).toLowerCase() !== scheme) {
    throw invalidTarget(url);
  }
  const rest = url.slice(scheme.length);
  const slash = rest.indexOf('/');
  const authority = slash < 0 ? rest : rest.slice(0, slash);
  const colon = authority.indexOf(':');
  const host = colon < 0 ? authority : authority.slice(0, colon);
  const portText = colon < 0 ? '80' : authority.slice(colon + 1);
  const port = isDigits(portText) ? parseInt(portText, 10) : 0;
  if (!isIpv4(host) || port < 1 || port > 65535) throw invalidTarget(url);
  return { host, port, path: slash < 0 ? '/' : rest.slice(slash) };
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) > 0x7f) return false;
  }
  return true;
}

function lowerCaseHeaders(raw: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  const names = Object.keys(raw || {});
  for (let i = 0; i < names.length; i++) {
    out[names[i].toLowerCase()] = String(raw[names[i]]);
  }
  return out;
}

function errorMessage(err: unknown): string {
  if (err && typeof (err as Error).message === 'string') {
    return (err as Error).message;
  }
  return String(err);
}

/** Builds the request options; the body's byte count goes in Content-Length. */
function requestOptions(req: HttpRequest, target: ParsedTarget) {
  const headers: Record<string, string> = {};
  const names = Object.keys(req.headers || {});
  for (let i = 0; i < names.length; i++) {
    headers[names[i]] = (req.headers as Record<string, string>)[names[i]];
  }
  if (req.body !== undefined) {
    headers['Content-Length'] = String(req.body.length);
  }
  return {
    host: target.host,
    port: target.port,
    path: target.path,
    method: req.method,
    headers,
  };
}

type Finish = (err: HttpError | null, res?: HttpResponse) => void;

function networkError(requestLabel: string, err: unknown): HttpError {
  return new HttpError(
    'network',
    requestLabel + ' failed: ' + errorMessage(err),
  );
}

/** Collects the reply body and finishes when the connection closes. */
function collectResponse(
  res: HttpClientResponse,
  requestLabel: string,
  maxBodyBytes: number,
  finish: Finish,
): void {
  let body = '';
  res.on('data', (chunk: string) => {
    body += chunk;
    if (body.length > maxBodyBytes) {
      const message = requestLabel + ' reply over ' + maxBodyBytes + ' bytes';
      finish(new HttpError('network', message));
    }
  });
  res.on('error', (err: unknown) => finish(networkError(requestLabel, err)));
  res.on('close', () => {
    finish(null, {
      status: parseInt(res.statusCode, 10) || 0,
      headers: lowerCaseHeaders(res.headers),
      body,
    });
  });
}

export function createEspruinoHttpClient(
  options: EspruinoHttpClientOptions,
): HttpClient {
  const http = options.http;
  const timers = options.timers;
  const maxBodyBytes = options.maxBodyBytes || 16384;

  function send(
    req: HttpRequest,
    resolve: (res: HttpResponse) => void,
    reject: (err: HttpError) => void,
  ): void {
    const target = parseTarget(req.url);
    // The ESP32 build counts string length in bytes and the Linux build in
    // characters, so only ASCII bodies get a Content-Length both agree on.
    if (req.body !== undefined && !isAscii(req.body)) {
      throw new HttpError(
        'network',
        'request body must be ASCII, because the ESP32 and Linux builds ' +
          'count other characters differently',
      );
    }
    const requestLabel = req.method + ' ' + target.path;
    let settled = false;
    let request: HttpClientRequest | null = null;
    let timer: unknown = null;

    const finish: Finish = (err, res) => {
      if (settled) return;
      settled = true;
      timers.clearTimeout(timer);
      if (!err) {
        resolve(res as HttpResponse);
        return;
      }
      // Closes the socket on the next idle pass, also in mid-reply.
      if (request) request.clsNow = true;
      reject(err);
    };

    timer = timers.setTimeout(() => {
      const message =
        requestLabel + ' timed out after ' + req.timeoutMs + ' ms';
      finish(new HttpError('timeout', message));
    }, req.timeoutMs);
    try {
      request = http.request(requestOptions(req, target), (res) =>
        collectResponse(res, requestLabel, maxBodyBytes, finish),
      );
      request.on('error', (err: unknown) =>
        finish(networkError(requestLabel, err)),
      );
      request.end(req.body);
    } catch (err) {
      finish(networkError(requestLabel, err));
    }
  }

  return {
    request(req) {
      return new Promise<HttpResponse>((resolve, reject) => {
        // Espruino 2v29 prints "Uncaught" for a promise rejected before a
        // handler is attached, which a failure inside this executor (such
        // as "Unable to create socket") would be, so rejections wait for
        // a timer.
        const rejectLater = (err: unknown) =>
          timers.setTimeout(() => reject(err), 0);
        try {
          send(req, resolve, rejectLater);
        } catch (err) {
          rejectLater(err);
        }
      });
    },
  };
}
