/**
 * Admin endpoints that tests and demos use to steer the simulator. They need
 * no authentication and are never delayed, rate limited or counted against
 * the concurrency limit, so faults can always be cleared again.
 *
 * - `GET /sim/state` returns `Simulator.state()`.
 * - `POST /sim/fault` with a fault patch, e.g. `{"delayMs": 2000}`,
 *   `{"overpower": true}` or `{"reboot": true}`, applies it and returns the
 *   state. Unknown keys or invalid values get HTTP 400.
 * - `POST /sim/load` with `{"watts": 100}` forces a constant load and
 *   `{"watts": null}` returns to the load profile. Returns the state.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseFaultPatch, type FaultPatch } from './faults';
import { BodyTooLargeError, readBody, sendJson } from './http';

export interface AdminTarget {
  state(): unknown;
  setFault(patch: FaultPatch): unknown;
  setLoad(watts: number | null): void;
}

/** Handles a request whose path starts with `/sim/`. */
export async function handleAdminRequest(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  target: AdminTarget,
): Promise<void> {
  const route = `${req.method ?? ''} ${path}`;
  if (route === 'GET /sim/state') {
    sendJson(res, 200, target.state());
    return;
  }
  if (route !== 'POST /sim/fault' && route !== 'POST /sim/load') {
    const known = 'GET /sim/state, POST /sim/fault, POST /sim/load';
    sendJson(res, 404, {
      message: `Unknown admin route ${route}; known: ${known}`,
    });
    return;
  }
  let body: unknown;
  try {
    body = JSON.parse(await readBody(req)) as unknown;
    if (path === '/sim/fault') {
      target.setFault(parseFaultPatch(body));
    } else {
      target.setLoad(parseLoad(body));
    }
  } catch (error) {
    const status = error instanceof BodyTooLargeError ? 413 : 400;
    const message = error instanceof Error ? error.message : String(error);
    sendJson(res, status, { message });
    return;
  }
  sendJson(res, 200, target.state());
}

/** Validates `{"watts": number | null}` from an admin request body. */
export function parseLoad(body: unknown): number | null {
  const watts =
    typeof body === 'object' && body !== null
      ? (body as Record<string, unknown>).watts
      : undefined;
  if (watts === null) {
    return null;
  }
  if (typeof watts !== 'number' || !Number.isFinite(watts) || watts < 0) {
    throw new Error(
      'Invalid load: expected {"watts": <number >= 0>} or {"watts": null}',
    );
  }
  return watts;
}
