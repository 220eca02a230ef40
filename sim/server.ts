/**
 * HTTP server of the Shelly Plus Plug S simulator.
 *
 * Device endpoints: `GET /shelly` (never authenticated) and the RPC forms
 * described in rpc-http.ts. Admin endpoints under `/sim/` are described in
 * admin.ts. At most `maxConcurrent` device requests (6, as on the device)
 * are handled at once; further ones get HTTP 503 at once instead of waiting.
 * NOTE: whether a real plug queues or rejects past 6 is not documented.
 */

import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { handleAdminRequest } from './admin';
import { DigestVerifier } from './auth';
import { Device } from './device';
import { createControl, type SimulatorControl } from './control';
import { defaultFaults, type FaultSettings } from './faults';
import { RequestGate } from './gate';
import { sendJson, splitTarget } from './http';
import { handleRpcRequest, type RpcHttpContext } from './rpc-http';
import { RpcCode } from './rpc-error';
import { deviceInfo } from './status';

export type { SimulatorState } from './control';

export interface SimulatorOptions {
  /** Listen address; the admin API is open, so keep it on loopback. */
  host?: string;
  /** TCP port; 0 picks a free one. */
  port?: number;
  /** Enables digest authentication for `/rpc` when set. */
  password?: string;
  /** Seed of the load profile and the measurement noise. */
  seed?: number;
  /** Clock in Unix milliseconds; defaults to Date.now. */
  now?: () => number;
  /** Speed-up of the load profile relative to the clock; default 1. */
  timeScale?: number;
  /** Faults in force from the start. */
  faults?: Partial<FaultSettings>;
  /** 12 hex digits; the device id is `shellyplusplugs-<mac in lower case>`. */
  mac?: string;
  /** Device name reported by `/shelly`; default null, as on a new plug. */
  name?: string | null;
  /** Clear `aenergy.total` on reboot, as firmware before 1.0 did. */
  resetOnReboot?: boolean;
  /** Load in W above which the relay trips; default 2500, the rated load. */
  powerLimitW?: number;
  /** Lifetime of a digest nonce in ms; default 5 minutes. */
  nonceTtlMs?: number;
  /** Device requests handled at once; default 6. */
  maxConcurrent?: number;
  /** Serve the `/sim/` admin endpoints; default true. */
  admin?: boolean;
  /** Receives one line per caught error; default discards them. */
  log?: (message: string) => void;
}

export interface Simulator extends SimulatorControl {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  url: string;
  host: string;
  port: number;
  deviceId: string;
  device: Device;
  /** Closes the server and every open connection. */
  stop(): Promise<void>;
}

const DEFAULT_MAC = 'C049EF8B2A10';

/** Objects behind one simulator instance. */
interface Parts {
  device: Device;
  verifier: DigestVerifier | null;
  gate: RequestGate;
  control: SimulatorControl;
  rpc: RpcHttpContext;
  log: (message: string) => void;
}

/** Starts a simulator listening on `options.host` and `options.port`. */
export async function startSimulator(
  options: SimulatorOptions = {},
): Promise<Simulator> {
  const host = options.host ?? '127.0.0.1';
  const parts = createParts(options, host);
  const route = createRouter(parts, options.admin !== false);
  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      parts.log(`Request ${req.method} ${req.url} failed: ${String(error)}`);
      sendJson(res, 500, { code: RpcCode.internal, message: 'Internal error' });
    });
  });
  // Bounds how long a client may take to send its request; replies held by
  // the noReply fault are not affected.
  server.headersTimeout = 10_000;
  server.requestTimeout = 15_000;
  const sockets = trackSockets(server);
  const port = await listen(server, options.port ?? 0, host);
  const urlHost = host.includes(':') ? `[${host}]` : host;

  return {
    url: `http://${urlHost}:${port}`,
    host,
    port,
    deviceId: parts.device.id,
    device: parts.device,
    ...parts.control,
    async stop() {
      parts.gate.close();
      for (const socket of sockets) {
        socket.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function createParts(options: SimulatorOptions, host: string): Parts {
  const now = options.now ?? Date.now;
  const timeScale = options.timeScale ?? 1;
  if (!(timeScale > 0 && Number.isFinite(timeScale))) {
    throw new Error(`Invalid timeScale ${timeScale}: expected a number > 0`);
  }

  const faults = defaultFaults();
  const device = new Device({
    mac: checkMac(options.mac ?? DEFAULT_MAC),
    name: options.name ?? null,
    seed: options.seed ?? 1,
    now,
    timeScale,
    resetOnReboot: options.resetOnReboot ?? false,
    powerLimitW: options.powerLimitW ?? 2500,
    faults,
  });
  const verifier = options.password
    ? new DigestVerifier({
        realm: device.id,
        password: options.password,
        now,
        nonceTtlMs: options.nonceTtlMs ?? 5 * 60_000,
      })
    : null;

  const log = options.log ?? (() => {});
  const gate = new RequestGate(options.maxConcurrent ?? 6, faults, now);
  const control = createControl(device, gate, verifier !== null);
  if (options.faults) {
    control.setFault(options.faults);
  }

  const staIp = host.includes('.') ? host : null;
  const rpcContext = { authEnabled: verifier !== null, staIp };
  const rpc = { device, verifier, rpc: rpcContext, log };
  return { device, verifier, gate, control, rpc, log };
}

function createRouter(
  parts: Parts,
  adminEnabled: boolean,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    const { path, query } = splitTarget(req.url ?? '/');
    if (adminEnabled && path.startsWith('/sim/')) {
      await handleAdminRequest(req, res, path, parts.control);
      return;
    }
    if (!(await parts.gate.admit(req, res))) {
      return;
    }
    if (path === '/shelly' && req.method === 'GET') {
      sendJson(res, 200, deviceInfo(parts.device, parts.verifier !== null));
    } else if (path === '/rpc' || path.startsWith('/rpc/')) {
      await handleRpcRequest(req, res, path, query, parts.rpc);
    } else {
      sendJson(res, 404, { code: 404, message: `Not found: ${path}` });
    }
  };
}

function trackSockets(server: Server): Set<Socket> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return sockets;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function checkMac(mac: string): string {
  if (!/^[0-9A-Fa-f]{12}$/.test(mac)) {
    throw new Error(`Invalid mac '${mac}': expected 12 hex digits`);
  }
  return mac.toUpperCase();
}
