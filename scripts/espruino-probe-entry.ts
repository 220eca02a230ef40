/**
 * A small device entry for trying the Espruino build before the real one
 * exists: the bus, the clock, log queue, plug and server actors, with
 * inline drivers over Espruino's `http` and `fs` modules. Settings come
 * from `globalThis.probeSettings` when set, so a test or a console can
 * point it at a plug simulator.
 */
import { clockMachine } from '../firmware/actors/clock';
import { logQueueMachine } from '../firmware/actors/log-queue';
import { serverMachine } from '../firmware/actors/server';
import { shellyMachine } from '../firmware/actors/shelly';
import { createBus } from '../firmware/bus/bus';
import type { HttpClient, HttpResponse } from '../firmware/drivers/http-client';
import { HttpError } from '../firmware/drivers/http-client';
import type { HttpServerDriver } from '../firmware/drivers/http-server';
import type { Timers } from '../firmware/drivers/platform';
import type { FileStore } from '../firmware/drivers/storage';
import { createApiHandler } from '../firmware/lib/api';
import { createWriter } from '../firmware/lib/log-files';
import { createQueueData } from '../firmware/lib/log-intake';
import { createLogger } from '../firmware/lib/logger';
import { createMeterState } from '../firmware/lib/meter';
import { createPollSession } from '../firmware/lib/poll-session';
import { runMachine } from '../firmware/lib/run-actor';
import { createShellyClient } from '../firmware/lib/shelly-client';
import { createSseHub } from '../firmware/lib/sse';
import { createStatusStore } from '../firmware/lib/status-store';
import { createTimeStamper } from '../firmware/lib/time-stamp';

/* eslint-disable @typescript-eslint/no-explicit-any */
declare const require: (name: string) => any;
declare const getTime: () => number;
declare const print: (text: string) => void;
declare const url: { parse(href: string): Record<string, any> };

interface ProbeSettings {
  plugUrl: string;
  port: number;
  pollIntervalMs: number;
}

const defaults: ProbeSettings = {
  plugUrl: 'http://127.0.0.1:18081',
  port: 8080,
  pollIntervalMs: 1000,
};
const given = (globalThis as any).probeSettings || {};
const settings: ProbeSettings = Object.assign({}, defaults, given);

const timers: Timers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (id) => clearTimeout(id as any),
};

function createHttpClient(): HttpClient {
  const http = require('http');
  return {
    request(req) {
      return new Promise<HttpResponse>((resolve, reject) => {
        const options = Object.assign(url.parse(req.url), {
          method: req.method,
          headers: Object.assign({}, req.headers || {}),
        });
        if (req.body !== undefined)
          options.headers['Content-Length'] = String(req.body.length);
        let body = '';
        let settled = false;
        const timer = setTimeout(() => {
          settled = true;
          reject(new HttpError('timeout', req.url + ' timed out'));
        }, req.timeoutMs);
        const finish = (res: any) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          const headers: Record<string, string> = {};
          for (const k of Object.keys(res.headers || {}))
            headers[k.toLowerCase()] = res.headers[k];
          resolve({ status: Number(res.statusCode), headers, body });
        };
        const fail = (err: any) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          reject(new HttpError('network', req.url + ': ' + err));
        };
        try {
          const out = http.request(options, (res: any) => {
            res.on('data', (chunk: string) => (body += chunk));
            res.on('close', () => finish(res));
          });
          out.on('error', fail);
          out.end(req.body);
        } catch (err) {
          fail(err);
        }
      });
    },
  };
}

function createFileStore(): FileStore {
  const fs = require('fs');
  const read = (path: string): string | null => {
    try {
      return fs.readFileSync(path);
    } catch {
      return null;
    }
  };
  return {
    mount: () => undefined,
    append: (path, text) => fs.appendFileSync(path, text),
    read,
    size: (path) => {
      const text = read(path);
      return text === null ? -1 : text.length;
    },
    readTail: (path, bytes) => {
      const text = read(path);
      return text === null ? null : text.slice(-bytes);
    },
    readRange: (path, offset, bytes) => {
      const text = read(path);
      return text === null ? null : text.substr(offset, bytes);
    },
    truncate: (path, bytes) =>
      fs.writeFileSync(path, (read(path) || '').slice(0, bytes)),
    list: (dir) => {
      try {
        return fs
          .readdirSync(dir)
          .filter((n: string) => n !== '.' && n !== '..');
      } catch {
        return [];
      }
    },
    mkdir: (dir) => {
      try {
        fs.mkdir(dir);
      } catch {
        // The folder exists already.
      }
    },
    write: (path, text) => fs.writeFileSync(path, text),
  };
}

function createServerDriver(port: number): HttpServerDriver {
  let server: any = null;
  return {
    listen(handler) {
      server = require('http').createServer((req: any, res: any) => {
        let body = '';
        req.on('data', (chunk: string) => (body += chunk));
        req.on('close', () => {
          const headers: Record<string, string> = {};
          for (const k of Object.keys(req.headers || {}))
            headers[k.toLowerCase()] = req.headers[k];
          handler(
            {
              method: req.method,
              url: req.url,
              headers,
              body,
              remoteAddress: '',
            },
            {
              writeHead: (status, h) => res.writeHead(status, h),
              write: (chunk) => res.write(chunk),
              end: (chunk) => res.end(chunk),
              onClose: (fn) => res.on('close', fn),
              onDrain: (fn) => res.on('drain', fn),
            },
          );
        });
      });
      server.listen(port);
      return Promise.resolve(['http://127.0.0.1:' + port + '/']);
    },
    close() {
      if (server) server.close();
      return Promise.resolve();
    },
  };
}

/**
 * Times each bus emit with `getTime()`, including every listener it runs,
 * and prints the mean and maximum per event type every 5 readings.
 */
function measureBus(): void {
  const stats: Record<string, { n: number; total: number; max: number }> = {};
  const emit = bus.emit;
  let readings = 0;
  bus.emit = (type, payload) => {
    const started = getTime();
    emit(type, payload);
    const ms = (getTime() - started) * 1000;
    const s = stats[type] || (stats[type] = { n: 0, total: 0, max: 0 });
    s.n += 1;
    s.total += ms;
    s.max = Math.max(s.max, ms);
    if (type !== 'shelly.readingReceived' || ++readings % 5 !== 0) return;
    for (const name of Object.keys(stats)) {
      const e = stats[name];
      const mean = (e.total / e.n).toFixed(1);
      print(
        'TIMING ' +
          name +
          ' n=' +
          e.n +
          ' meanMs=' +
          mean +
          ' maxMs=' +
          e.max.toFixed(1),
      );
    }
  };
}

const log = createLogger((r) =>
  console.log(r.level + ' ' + r.ns + ' ' + r.msg),
);
const bus = createBus(log.child('bus'));
measureBus();
const run = { bus, log: log.child('actor'), timers };
const store = createFileStore();
const stamper = createTimeStamper(bus, timers);
const status = createStatusStore({ bus, timers });
const sse = createSseHub({ bus, timers, log, snapshot: status.snapshot });
const handler = createApiHandler({
  bus,
  log,
  store,
  status,
  sse,
  readStatic: () => null,
});

runMachine(
  'clock',
  clockMachine,
  {
    bus,
    log,
    timers,
    host: { isNtpSynced: () => false },
    ntpCheckMs: 60000,
    plugToleranceMs: 1500,
  },
  run,
);
runMachine(
  'logQueue',
  logQueueMachine,
  {
    bus,
    log,
    store,
    writer: createWriter(store, log),
    timers,
    data: createQueueData(),
    stamp: stamper.stamp,
    enabled: true,
    maxQueue: 100,
    flushMs: 1000,
    retryMs: 1000,
    maxRetryMs: 30000,
    remountAfter: 3,
  },
  run,
);
runMachine(
  'server',
  serverMachine,
  { bus, log, driver: createServerDriver(settings.port), handler, timers },
  run,
);
runMachine(
  'shelly',
  shellyMachine,
  {
    bus,
    log,
    client: createShellyClient({
      baseUrl: settings.plugUrl,
      password: null,
      timeoutMs: 3000,
      http: createHttpClient(),
      sha256hex: () => '',
    }),
    timers,
    session: createPollSession(createMeterState()),
    stamp: stamper.stamp,
    pollIntervalMs: settings.pollIntervalMs,
    timeSyncMs: 60000,
    backoffBaseMs: 1000,
    backoffMaxMs: 30000,
    unreachableAfter: 3,
  },
  run,
);
