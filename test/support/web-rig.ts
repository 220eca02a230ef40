/**
 * The web server as it runs on the host, for tests. It uses the real Node
 * HTTP driver on 127.0.0.1 with a free port, the API router, the SSE hub and
 * the status store on a real bus, with an in-memory card and web root.
 *
 * `rawRequest` sends paths unnormalized, where `fetch` would resolve `..`.
 * `openEventStream` records every SSE message.
 */
import * as http from 'node:http';
import { createBus, type Bus } from '../../firmware/bus/bus';
import type { EventName } from '../../firmware/bus/events';
import {
  createMemoryFileStore,
  type MemoryFileStore,
} from '../../firmware/drivers/fake/storage';
import { createNodeHttpServer } from '../../firmware/drivers/node/http-server';
import { nodeTimers } from '../../firmware/drivers/node/platform';
import { createApiHandler, type ApiOptions } from '../../firmware/lib/api';
import { createLogger, type LogRecord } from '../../firmware/lib/logger';
import {
  createSseHub,
  type SseHub,
  type SseHubOptions,
} from '../../firmware/lib/sse';
import {
  createStatusStore,
  type StatusStore,
} from '../../firmware/lib/status-store';

export interface WebRigOptions {
  apiToken?: string;
  maxBodyBytes?: number;
  sse?: Partial<SseHubOptions>;
  /**
   * API options that replace the rig's, e.g. `store` for a folder on disk
   * (`WebRig.store` is then unused) or `allowedHosts`.
   */
  api?: Partial<ApiOptions>;
  /** Web root files by path, e.g. `{ 'index.html': '<!doctype html>' }`. */
  webRoot?: Record<string, string>;
}

export interface WebRig {
  bus: Bus;
  store: MemoryFileStore;
  status: StatusStore;
  sse: SseHub;
  port: number;
  base: string;
  logs: LogRecord[];
  /** Every bus event since the rig started, in order. */
  events: { type: EventName; payload: unknown }[];
  close(): Promise<void>;
}

export async function startWebRig(
  options: WebRigOptions = {},
): Promise<WebRig> {
  const logs: LogRecord[] = [];
  const log = createLogger((record) => logs.push(record), 'debug', 'test');
  const bus = createBus(log);
  const events: WebRig['events'] = [];
  bus.onAny((type, payload) => events.push({ type, payload }));

  const store = createMemoryFileStore();
  const status = createStatusStore({ bus, timers: nodeTimers });
  const sse = createSseHub({
    bus,
    timers: nodeTimers,
    log: log.child('sse'),
    snapshot: () => status.snapshot(),
    ...options.sse,
  });

  const webRoot = options.webRoot ?? {};
  const handler = createApiHandler({
    bus,
    log: log.child('api'),
    store,
    status,
    sse,
    readStatic: (path) => (path in webRoot ? webRoot[path] : null),
    apiToken: options.apiToken,
    timers: nodeTimers,
    ...options.api,
  });

  const driver = createNodeHttpServer({
    host: '127.0.0.1',
    port: 0,
    log: log.child('http'),
    maxBodyBytes: options.maxBodyBytes,
  });
  const urls = await driver.listen(handler);
  const base = urls[0].replace(/\/$/, '');
  return {
    bus,
    store,
    status,
    sse,
    port: Number(new URL(base).port),
    base,
    logs,
    events,
    close: async () => {
      sse.close();
      await driver.close();
    },
  };
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Sends one HTTP/1.1 request with the path exactly as given. */
export function rawRequest(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<RawResponse> {
  const sent = { ...headers };
  // Node sends a DELETE body without Content-Length unless it is set here.
  if (body !== undefined)
    sent['Content-Length'] = String(Buffer.byteLength(body));
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method, path, headers: sent, agent: false },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: text,
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export interface SseMessage {
  id?: string;
  event?: string;
  data?: string;
  retry?: string;
  comment?: string;
}

export interface EventStreamClient {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** Every message so far, comments included. */
  messages: SseMessage[];
  /** Resolves with the first message, old or new, that `match` accepts. */
  waitFor(
    match: (m: SseMessage) => boolean,
    timeoutMs?: number,
  ): Promise<SseMessage>;
  closed: Promise<void>;
  close(): void;
}

function parseMessage(block: string): SseMessage {
  const message: SseMessage = {};
  for (const line of block.split('\n')) {
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === '') message.comment = value;
    else (message as Record<string, string>)[field] = value;
  }
  return message;
}

/** Opens `GET /events`; resolves once the response headers arrived. */
export function openEventStream(
  port: number,
  headers: Record<string, string> = {},
): Promise<EventStreamClient> {
  return new Promise((resolve, reject) => {
    const req = http.get(
      { host: '127.0.0.1', port, path: '/events', headers, agent: false },
      (res) => {
        const messages: SseMessage[] = [];
        const waiters: (() => void)[] = [];
        let buffer = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffer += chunk;
          let cut = buffer.indexOf('\n\n');
          while (cut >= 0) {
            messages.push(parseMessage(buffer.slice(0, cut)));
            buffer = buffer.slice(cut + 2);
            cut = buffer.indexOf('\n\n');
          }
          for (const wake of waiters.slice()) wake();
        });
        const closed = new Promise<void>((done) => res.on('close', done));
        res.on('error', () => undefined);
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          messages,
          closed,
          close: () => req.destroy(),
          waitFor: (match, timeoutMs = 2000) =>
            new Promise((found, fail) => {
              const check = (): boolean => {
                const hit = messages.find(match);
                if (!hit) return false;
                clearTimeout(timer);
                waiters.splice(waiters.indexOf(wake), 1);
                found(hit);
                return true;
              };
              const wake = () => void check();
              const timer = setTimeout(() => {
                waiters.splice(waiters.indexOf(wake), 1);
                fail(
                  new Error(
                    'no matching SSE message within ' + timeoutMs + ' ms',
                  ),
                );
              }, timeoutMs);
              waiters.push(wake);
              check();
            }),
        });
      },
    );
    req.on('error', reject);
  });
}
