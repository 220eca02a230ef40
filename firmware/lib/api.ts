/**
 * The request router of the web server, independent of the HTTP driver.
 *
 * | route                  | method | does                                  |
 * | ---------------------- | ------ | ------------------------------------- |
 * | `/api/status`          | GET    | status snapshot                       |
 * | `/api/plug`            | POST   | `{on}`: emits `shelly.setOutput`      |
 * | `/api/logging`         | POST   | `{enabled}`: emits `log.setEnabled`   |
 * | `/api/time`            | POST   | `{unixMs}`: emits `clock.set`         |
 * | `/api/logs`            | GET    | log files with sizes, newest first    |
 * | `/api/logs/<file>`     | GET    | one log file as a download            |
 * | `/api/history`         | GET    | `from`, `to`, `maxPoints`: readings   |
 * | `/events`              | GET    | Server-Sent Events stream             |
 * | anything else          | GET    | static file from the web root         |
 *
 * POST requests need a matching `Origin` (when sent), the bearer token (when
 * one is configured) and a JSON body. Accepted commands get 202 because the
 * result arrives later as a bus event. Every error is `{ "error": ... }`.
 */
import type { Bus } from '../bus/bus';
import type {
  RequestHandler,
  ServerRequest,
  ServerResponse,
} from '../drivers/http-server';
import type { FileStore } from '../drivers/storage';
import { downloadLog, listLogs, serveStatic } from './api-files';
import { parseHistoryQuery, readHistory } from './api-history';
import {
  checkControlRequest,
  parseJsonObject,
  sendFailure,
  sendJson,
  splitUrl,
  type Failure,
} from './api-http';
import type { Logger } from './logger';

export interface ApiOptions {
  bus: Bus;
  log: Logger;
  store: FileStore;
  status: {
    snapshot(): unknown;
    /** Trusted Unix time in ms, the default end of a history range. */
    now(): number;
  };
  sse: { handle(req: ServerRequest, res: ServerResponse): void };
  /** A file of the web root as text, or null when it does not exist. */
  readStatic: (path: string) => string | Uint8Array | null;
  /** Bearer token for POST requests. Null or '' turns the check off. */
  apiToken?: string | null;
  /** Maximum history range in days. */
  historyMaxDays?: number;
}

const EARLIEST_TIME_MS = Date.UTC(2020, 0, 1);
const LATEST_TIME_MS = Date.UTC(2100, 0, 1);

type Route = (req: ServerRequest, res: ServerResponse) => Failure | null;

/** A body field check: returns null or the expectation that failed. */
type FieldCheck = (value: unknown) => string | null;

const isBoolean: FieldCheck = (v) =>
  typeof v === 'boolean' ? null : 'a boolean (true or false)';

const isPlausibleTime: FieldCheck = (v) =>
  typeof v === 'number' && v > EARLIEST_TIME_MS && v < LATEST_TIME_MS
    ? null
    : 'a Unix time in ms after 2020-01-01 and before 2100-01-01';

function describe(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value);
}

export function createApiHandler(options: ApiOptions): RequestHandler {
  const bus = options.bus;
  const log = options.log;
  const token = options.apiToken || null;
  const historyMaxDays = options.historyMaxDays ?? 31;

  /** Runs the POST checks and `accept` with the checked field value. */
  function command(
    field: string,
    check: FieldCheck,
    accept: (value: unknown, req: ServerRequest) => void,
  ): Route {
    return (req, res) => {
      const rejected = checkControlRequest(req, token);
      if (rejected) {
        if (rejected.status === 401 || rejected.status === 403) {
          log.warn('control request rejected', {
            url: req.url,
            status: rejected.status,
            remoteAddress: req.remoteAddress,
          });
        }
        return rejected;
      }
      const parsed = parseJsonObject(req.body);
      if (!parsed.ok) return parsed.failure;
      const value = parsed.value[field];
      const expected = check(value);
      if (expected) {
        const message =
          field + ' must be ' + expected + ', got ' + describe(value);
        return { status: 400, message };
      }
      accept(value, req);
      sendJson(res, 202, { accepted: true });
      return null;
    };
  }

  const setPlug = command('on', isBoolean, (on, req) => {
    log.info('relay switch requested', {
      on,
      remoteAddress: req.remoteAddress,
    });
    bus.emit('shelly.setOutput', { on: on as boolean });
  });

  const setLogging = command('enabled', isBoolean, (enabled, req) => {
    log.info('logging switch requested', {
      enabled,
      remoteAddress: req.remoteAddress,
    });
    bus.emit('log.setEnabled', { enabled: enabled as boolean });
  });

  const setTime = command('unixMs', isPlausibleTime, (unixMs, req) => {
    log.info('browser time received', {
      unixMs,
      remoteAddress: req.remoteAddress,
    });
    bus.emit('clock.set', {
      unixMs: Math.round(unixMs as number),
      source: 'browser',
    });
  });

  const getStatus: Route = (_req, res) => {
    sendJson(res, 200, options.status.snapshot());
    return null;
  };

  const getHistory: Route = (req, res) => {
    const query = splitUrl(req.url).query;
    const parsed = parseHistoryQuery(
      query,
      options.status.now(),
      historyMaxDays,
    );
    if (!parsed.ok) return parsed.failure;
    let history;
    try {
      history = readHistory(options.store, parsed.value);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      return { status: 503, message: 'log storage unavailable: ' + reason };
    }
    sendJson(res, 200, history);
    return null;
  };

  const routes: Record<string, Record<string, Route>> = {
    '/api/status': { GET: getStatus },
    '/api/plug': { POST: setPlug },
    '/api/logging': { POST: setLogging },
    '/api/time': { POST: setTime },
    '/api/logs': { GET: (_req, res) => listLogs(res, options.store) },
    '/api/history': { GET: getHistory },
    '/events': {
      GET: (req, res) => {
        options.sse.handle(req, res);
        return null;
      },
    },
  };

  function route(req: ServerRequest, res: ServerResponse): Failure | null {
    const path = splitUrl(req.url).path;
    if (path.charAt(0) !== '/') {
      return { status: 400, message: 'request target must start with /' };
    }
    let methods = routes[path];
    if (!methods && path.indexOf('/api/logs/') === 0) {
      const name = path.slice('/api/logs/'.length);
      methods = { GET: (_req, r) => downloadLog(r, options.store, name, log) };
    }
    if (!methods && (path === '/api' || path.indexOf('/api/') === 0)) {
      return { status: 404, message: 'unknown API route: ' + path };
    }
    if (!methods) {
      methods = {
        GET: (_req, r) => {
          serveStatic(r, path, options.readStatic);
          return null;
        },
      };
    }
    const handler = methods[req.method];
    if (!handler) {
      const allow = Object.keys(methods).join(', ');
      return {
        status: 405,
        message:
          'method ' + req.method + ' not allowed on ' + path + '; use ' + allow,
        headers: { Allow: allow },
      };
    }
    return handler(req, res);
  }

  return (req, res) => {
    let failure: Failure | null;
    try {
      failure = route(req, res);
    } catch (err) {
      log.error('request failed', {
        method: req.method,
        url: req.url,
        error: err,
      });
      sendFailure(res, { status: 500, message: 'internal server error' });
      return;
    }
    if (!failure) return;
    if (failure.status >= 500) {
      log.warn('request failed', {
        method: req.method,
        url: req.url,
        status: failure.status,
        error: failure.message,
      });
    }
    sendFailure(res, failure);
  };
}
