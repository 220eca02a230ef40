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
  const match = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]+)$/i.exec(origin.trim());
  return match ? match[1].toLowerCase() : null;
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
 * Checks a control request in this order: Origin matches Host (403), the
 * bearer token when one is configured (401), JSON content type (415).
 */
export function checkControlRequest(
  req: ServerRequest,
  token: string | null,
): Failure | null {
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
