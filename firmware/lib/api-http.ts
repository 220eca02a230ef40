/**
 * Reply helpers and request checks for the web API: JSON replies, query
 * parsing, and the checks every control request (POST) passes.
 */
import type { ServerRequest, ServerResponse } from '../drivers/http-server';

/** A rejected request: the status and the message for the JSON error. */
export interface Failure {
  status: number;
  message: string;
  headers?: Record<string, string>;
}

export const API_HEADERS: Record<string, string> = {
  'Content-Type': 'application/json; charset=utf-8',
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers?: Record<string, string>,
): void {
  res.writeHead(status, Object.assign({}, API_HEADERS, headers || {}));
  res.end(JSON.stringify(body));
}

export function sendFailure(res: ServerResponse, failure: Failure): void {
  sendJson(res, failure.status, { error: failure.message }, failure.headers);
}

export type Parsed<T> =
  { ok: true; value: T } | { ok: false; failure: Failure };

/** Splits `/a/b?x=1&y=2` into the raw path and the decoded query. */
export function splitUrl(url: string): {
  path: string;
  query: Record<string, string>;
} {
  const mark = url.indexOf('?');
  const path = mark < 0 ? url : url.slice(0, mark);
  const query: Record<string, string> = {};
  if (mark < 0) return { path, query };
  for (const pair of url.slice(mark + 1).split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const rawKey = eq < 0 ? pair : pair.slice(0, eq);
    const rawValue = eq < 0 ? '' : pair.slice(eq + 1);
    try {
      query[decodeURIComponent(rawKey.replace(/\+/g, ' '))] =
        decodeURIComponent(rawValue.replace(/\+/g, ' '));
    } catch {
      // A malformed percent-escape leaves the parameter out.
    }
  }
  return { path, query };
}

/**
 * Compares two strings in time that depends only on their lengths, so the
 * response time does not reveal how much of a token was right.
 */
export function tokensEqual(candidate: string, expected: string): boolean {
  const length = Math.max(candidate.length, expected.length);
  let diff = candidate.length ^ expected.length;
  for (let i = 0; i < length; i++) {
    // charCodeAt past the end is NaN, and NaN | 0 is 0.
    diff |= (candidate.charCodeAt(i) | 0) ^ (expected.charCodeAt(i) | 0);
  }
  return diff === 0;
}

/** Host and port of an `Origin` value such as `https://192.168.4.1:8443`. */
function originHost(origin: string): string | null {
  // The `/` in the class is escaped because Espruino 2v29 ends a regular
  // expression literal at the first unescaped `/`, even inside a class.
  const match = /^[a-z][a-z0-9+.-]*:\/\/([^\/?#]+)$/i.exec(origin.trim());
  return match ? match[1].toLowerCase() : null;
}

function isIpv4(name: string): boolean {
  const parts = name.split('.');
  if (parts.length !== 4) return false;
  for (const part of parts) {
    if (!/^\d+$/.test(part) || part.length > 3) return false;
    if (parseInt(part, 10) > 255) return false;
  }
  return true;
}

/**
 * Parses a `Host` header into the host name without port, in lower case and
 * without a trailing dot. `ip` is true for IPv4 and bracketed IPv6
 * literals. Returns null when the header is not a host with an optional
 * numeric port.
 */
export function parseHostHeader(
  header: string,
): { name: string; ip: boolean } | null {
  const host = header.trim().toLowerCase();
  let name: string;
  let port: string;
  if (host.charAt(0) === '[') {
    const close = host.indexOf(']');
    if (close < 0) return null;
    name = host.slice(1, close);
    port = host.slice(close + 1);
    if (!/^[0-9a-f:.]+$/.test(name) || name.indexOf(':') < 0) return null;
    if (port !== '' && !/^:\d+$/.test(port)) return null;
    return { name, ip: true };
  }
  const colon = host.indexOf(':');
  name = colon < 0 ? host : host.slice(0, colon);
  port = colon < 0 ? '' : host.slice(colon);
  if (port !== '' && !/^:\d+$/.test(port)) return null;
  if (name.charAt(name.length - 1) === '.') name = name.slice(0, -1);
  if (!/^[a-z0-9_.-]+$/.test(name)) return null;
  return { name, ip: isIpv4(name) };
}

/** Normalizes `allowedHosts` entries the way `parseHostHeader` does names. */
export function normalizeHostNames(names: string[]): string[] {
  const normalized: string[] = [];
  for (const entry of names) {
    const parsed = parseHostHeader(entry);
    if (parsed) normalized.push(parsed.name);
  }
  return normalized;
}

/**
 * Accepts a request whose `Host` is an IP literal, `localhost` or one of
 * `allowedHosts`. A page whose DNS name was rebound to this server's
 * address sends its own name as `Host`, so this check stops it, while its
 * matching `Origin` would pass `checkOrigin`.
 */
export function checkHost(
  req: ServerRequest,
  allowedHosts: string[],
): Failure | null {
  const header = req.headers['host'];
  if (header === undefined || header.trim() === '') {
    return { status: 403, message: 'missing Host header' };
  }
  const host = parseHostHeader(header);
  if (
    host &&
    (host.ip ||
      host.name === 'localhost' ||
      allowedHosts.indexOf(host.name) >= 0)
  ) {
    return null;
  }
  return {
    status: 403,
    message:
      'Host ' +
      JSON.stringify(header) +
      ' is not allowed: use an IP address or localhost, or add the name' +
      ' to allowedHosts',
  };
}

function checkOrigin(req: ServerRequest): Failure | null {
  const origin = req.headers['origin'];
  if (origin === undefined) return null;
  const host = (req.headers['host'] || '').trim().toLowerCase();
  if (host !== '' && originHost(origin) === host) return null;
  return {
    status: 403,
    message:
      'cross-origin request rejected: Origin ' +
      JSON.stringify(origin) +
      ' does not match Host ' +
      JSON.stringify(req.headers['host'] || ''),
  };
}

function checkToken(req: ServerRequest, token: string): Failure | null {
  const header = req.headers['authorization'] || '';
  const match = /^Bearer +(\S+) *$/i.exec(header);
  if (match && tokensEqual(match[1], token)) return null;
  return {
    status: 401,
    message: match
      ? 'invalid API token'
      : 'missing API token: send Authorization: Bearer <token>',
    headers: { 'WWW-Authenticate': 'Bearer' },
  };
}

function checkContentType(req: ServerRequest): Failure | null {
  const type = (req.headers['content-type'] || '').toLowerCase();
  const mediaType = type.split(';')[0].trim();
  if (mediaType === 'application/json') return null;
  return {
    status: 415,
    message:
      'Content-Type must be application/json, got ' +
      JSON.stringify(req.headers['content-type'] || ''),
  };
}

/**
 * Checks a control request in this order: `Host` is an IP literal,
 * `localhost` or in `allowedHosts` (403), `Origin` matches `Host` (403),
 * the bearer token when one is configured (401), JSON content type (415).
 * `allowedHosts` contains names as `normalizeHostNames` returns them.
 */
export function checkControlRequest(
  req: ServerRequest,
  token: string | null,
  allowedHosts: string[],
): Failure | null {
  const host = checkHost(req, allowedHosts);
  if (host) return host;
  const origin = checkOrigin(req);
  if (origin) return origin;
  if (token) {
    const auth = checkToken(req, token);
    if (auth) return auth;
  }
  return checkContentType(req);
}

/** Parses a JSON object body, or fails with a 400 that gives the reason. */
export function parseJsonObject(body: string): Parsed<Record<string, unknown>> {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return {
      ok: false,
      failure: { status: 400, message: 'invalid JSON: ' + reason },
    };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const message = 'request body must be a JSON object';
    return { ok: false, failure: { status: 400, message } };
  }
  return { ok: true, value: value as Record<string, unknown> };
}
