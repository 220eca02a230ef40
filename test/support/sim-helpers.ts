/** Helpers for tests that talk to the plug simulator over real HTTP. */

import { createHash } from 'node:crypto';
import {
  buildDigestAuthorization,
  parseDigestChallenge,
} from '../../firmware/lib/digest';
import { startSimulator, type Simulator } from '../../sim/index';
import type { SimulatorOptions } from '../../sim/server';

/** 2024-02-07 12:00:00 UTC, on a minute boundary. */
export const START_MS = Date.UTC(2024, 1, 7, 12, 0, 0);

export interface ManualClock {
  now: () => number;
  advance: (ms: number) => void;
}

export function createClock(startMs = START_MS): ManualClock {
  let t = startMs;
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
  };
}

export function sha256hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export interface JsonReply {
  status: number;
  headers: Headers;
  /** Parsed JSON; loosely typed because tests inspect many reply shapes. */
  body: any;
}

/** Sends a request and parses the reply body as JSON (null when empty). */
export async function requestJson(
  url: string,
  init: RequestInit = {},
): Promise<JsonReply> {
  const res = await fetch(url, init);
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    body: text === '' ? null : JSON.parse(text),
  };
}

/** Sends a `POST /rpc` frame with id 1 and src `test`. */
export function postFrame(
  sim: Simulator,
  method: string,
  params?: unknown,
  headers: Record<string, string> = {},
): Promise<JsonReply> {
  return requestJson(`${sim.url}/rpc`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify({ id: 1, src: 'test', method, params }),
  });
}

/** Calls a method through `POST /rpc` and returns the frame's result. */
export async function rpcResult(
  sim: Simulator,
  method: string,
  params?: unknown,
): Promise<any> {
  const reply = await postFrame(sim, method, params);
  if (reply.body.error) {
    throw new Error(`${method} failed: ${JSON.stringify(reply.body.error)}`);
  }
  return reply.body.result;
}

/** Starts a simulator, runs `body` and stops the simulator afterwards. */
export async function withSim(
  options: SimulatorOptions,
  body: (sim: Simulator) => Promise<void>,
): Promise<void> {
  const sim = await startSimulator(options);
  try {
    await body(sim);
  } finally {
    await sim.stop();
  }
}

/** Requests a digest challenge from `path` and returns the parsed header. */
export async function fetchChallenge(
  sim: Simulator,
  path = '/rpc/Sys.GetStatus',
) {
  const reply = await requestJson(`${sim.url}${path}`);
  const header = reply.headers.get('www-authenticate') ?? '';
  const challenge = parseDigestChallenge(header);
  if (reply.status !== 401 || !challenge) {
    throw new Error(
      `Expected a digest challenge, got HTTP ${reply.status}: ${header}`,
    );
  }
  return challenge;
}

export interface DigestCall {
  sim: Simulator;
  challenge: NonNullable<ReturnType<typeof parseDigestChallenge>>;
  method: 'GET' | 'POST';
  uri: string;
  password: string;
  nc: number;
  body?: string;
}

/** Sends one request with a digest `Authorization` header. */
export function digestRequest(call: DigestCall): Promise<JsonReply> {
  const authorization = buildDigestAuthorization({
    challenge: call.challenge,
    method: call.method,
    uri: call.uri,
    username: 'admin',
    password: call.password,
    nc: call.nc,
    cnonce: `cnonce${call.nc}`,
    sha256hex,
  });
  return requestJson(`${call.sim.url}${call.uri}`, {
    method: call.method,
    headers: {
      Authorization: authorization,
      'Content-Type': 'application/json',
    },
    body: call.body,
  });
}

/** Posts JSON to an admin endpoint such as `/sim/fault`. */
export function postAdmin(sim: Simulator, path: string, body: unknown) {
  return requestJson(`${sim.url}${path}`, {
    method: 'POST',
    body: JSON.stringify(body),
  });
}
