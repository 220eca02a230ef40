/**
 * RPC client for a Shelly Gen2 plug over its local HTTP API. Calls go as
 * full JSON-RPC frames to `POST /rpc`. When the plug has a password, the
 * first 401 carries a SHA-256 digest challenge. The client replies to it,
 * keeps the nonce and counts `nc` up for the following calls, and retries
 * once with a fresh challenge when the nonce is stale. A second 401 means a
 * wrong password and fails with code `auth`.
 */
import type { HttpClient, HttpResponse } from '../drivers/http-client';
import type { Sha256Hex } from '../drivers/platform';
import {
  buildDigestAuthorization,
  parseDigestChallenge,
  type DigestChallenge,
} from './digest';

/** A failed plug call. */
export interface ShellyError extends Error {
  /** timeout, network, http429, http, auth, rpc, malformed */
  code: string;
  rpcCode: number | null;
}

interface ShellyErrorClass {
  new (code: string, message: string, rpcCode?: number | null): ShellyError;
  prototype: ShellyError;
}

/**
 * A constructor function, not `class extends Error`, for the reason given
 * at `HttpError`. It returns a real `Error` whose prototype is
 * `ShellyError.prototype`.
 */
export const ShellyError = function ShellyError(
  code: string,
  message: string,
  rpcCode?: number | null,
) {
  const err = new Error(message) as ShellyError;
  Object.setPrototypeOf(err, ShellyError.prototype);
  err.code = code;
  err.rpcCode = rpcCode === undefined ? null : rpcCode;
  return err;
} as unknown as ShellyErrorClass;

ShellyError.prototype = Object.create(Error.prototype);
ShellyError.prototype.constructor = ShellyError;

export interface ShellyClientOptions {
  /** Base URL such as `http://192.168.33.1`. */
  baseUrl: string;
  password: string | null;
  timeoutMs: number;
  http: HttpClient;
  sha256hex: Sha256Hex;
  random?: () => number;
}

export interface ShellyClient {
  call(method: string, params: Record<string, unknown>): Promise<unknown>;
  /** `GET /shelly`, which never needs authentication. */
  deviceInfo(): Promise<Record<string, unknown>>;
}

function randomHex(random: () => number): string {
  let s = '';
  for (let i = 0; i < 16; i++) s += Math.floor(random() * 16).toString(16);
  return s;
}

function parseJson(res: HttpResponse, request: string): unknown {
  try {
    return JSON.parse(res.body);
  } catch {
    throw new ShellyError(
      'malformed',
      request + ' reply is not JSON (HTTP ' + res.status + ')',
    );
  }
}

export function createShellyClient(opts: ShellyClientOptions): ShellyClient {
  const random = opts.random || Math.random;
  let challenge: DigestChallenge | null = null;
  let nc = 0;
  let nextId = 1;

  function authHeader(uri: string): Record<string, string> {
    if (!challenge || opts.password === null) return {};
    nc += 1;
    const value = buildDigestAuthorization({
      challenge,
      method: 'POST',
      uri,
      username: 'admin',
      password: opts.password,
      nc,
      cnonce: randomHex(random),
      sha256hex: opts.sha256hex,
    });
    return { authorization: value };
  }

  /** Sends a POST. Call it inside a promise, so that a throw rejects it. */
  function post(uri: string, body: string): Promise<HttpResponse> {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
    };
    Object.assign(headers, authHeader(uri));
    return opts.http.request({
      method: 'POST',
      url: opts.baseUrl + uri,
      headers,
      body,
      timeoutMs: opts.timeoutMs,
    });
  }

  function takeChallenge(res: HttpResponse): boolean {
    const header = res.headers['www-authenticate'];
    const parsed = header ? parseDigestChallenge(header) : null;
    if (!parsed || opts.password === null) return false;
    challenge = parsed;
    nc = 0;
    return true;
  }

  /** Post a frame, retrying after one challenge and then one stale nonce. */
  function send(body: string): Promise<HttpResponse> {
    return post('/rpc', body).then((res) => {
      if (res.status !== 401 || !takeChallenge(res)) return res;
      return post('/rpc', body).then((again) => {
        if (again.status === 401 && takeChallenge(again) && challenge!.stale) {
          return post('/rpc', body);
        }
        return again;
      });
    });
  }

  function readResult(method: string, res: HttpResponse): unknown {
    if (res.status === 401) {
      const reason =
        opts.password === null
          ? 'the plug needs a password'
          : 'wrong plug password';
      throw new ShellyError('auth', method + ' rejected: ' + reason, 401);
    }
    if (res.status === 429)
      throw new ShellyError('http429', method + ' throttled (HTTP 429)');
    if (res.status !== 200) {
      throw new ShellyError('http', method + ' failed with HTTP ' + res.status);
    }
    const frame = parseJson(res, method) as Record<string, unknown> | null;
    if (!frame || typeof frame !== 'object') {
      throw new ShellyError(
        'malformed',
        method + ' reply is not a JSON-RPC frame',
      );
    }
    const error = frame.error as
      { code?: number; message?: string } | undefined;
    if (error) {
      const code = typeof error.code === 'number' ? error.code : null;
      throw new ShellyError(
        'rpc',
        method + ' error ' + code + ': ' + (error.message || ''),
        code,
      );
    }
    return frame.result;
  }

  // Plain promises, not `async`, because Babel compiles `async` functions
  // to a generator runtime that costs variables on Espruino. The executor
  // of `new Promise` turns a synchronous throw into a rejection, as an
  // `async` function would.
  function call(
    method: string,
    params: Record<string, unknown>,
  ): Promise<unknown> {
    const id = nextId++;
    return new Promise<HttpResponse>((resolve) => {
      const body = JSON.stringify({ id, src: 'logger', method, params });
      resolve(send(body));
    }).then((res) => readResult(method, res));
  }

  function readDeviceInfo(res: HttpResponse): Record<string, unknown> {
    if (res.status === 429)
      throw new ShellyError('http429', 'GET /shelly throttled (HTTP 429)');
    if (res.status !== 200)
      throw new ShellyError(
        'http',
        'GET /shelly failed with HTTP ' + res.status,
      );
    const info = parseJson(res, 'GET /shelly');
    if (!info || typeof info !== 'object') {
      throw new ShellyError('malformed', 'GET /shelly reply is not an object');
    }
    return info as Record<string, unknown>;
  }

  function deviceInfo(): Promise<Record<string, unknown>> {
    return new Promise<HttpResponse>((resolve) => {
      resolve(
        opts.http.request({
          method: 'GET',
          url: opts.baseUrl + '/shelly',
          timeoutMs: opts.timeoutMs,
        }),
      );
    }).then(readDeviceInfo);
  }

  return { call, deviceInfo };
}
