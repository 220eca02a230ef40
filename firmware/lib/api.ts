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
 * HEAD works on the GET routes except `/events` and `/api/history`.
 * POST requests need a `Host` that is an IP address, `localhost` or in
 * `allowedHosts`, a matching `Origin` (when sent), the bearer token (when
 * one is configured) and a JSON body. Accepted commands get 202 because the
 * result arrives later as a bus event. Every error is `{ "error": ... }`.
 */
import type { Bus } from '../bus/bus';
import type {
  RequestHandler,
  ServerRequest,
  ServerResponse,
} from '../drivers/http-server';
import type { Timers } from '../drivers/platform';
import type { FileStore } from '../drivers/storage';
import { downloadLog, listLogs, serveStatic } from './api-files';
import { parseHistoryQuery, readHistory, type History } from './api-history';
import {
  checkControlRequest,
  normalizeHostNames,
  parseJsonObject,
  sendFailure,
  sendJson,
  checkHost,
  splitUrl,
  type Failure,
  type Parsed,
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
  /**
   * Host names, without port, that POST requests may send in `Host`
   * besides IP addresses and `localhost`, e.g. `["logger.local"]`.
   */
  allowedHosts?: string[];
  /** Timers for the history reads. Without them, the global ones run. */
  timers?: Timers;
  /** Maximum history range in days (default 31). */
  historyMaxDays?: number;
  /** Maximum history requests read at once (default 2). More get a 503. */
  historyMaxConcurrent?: number;
  /** Bytes of log files a history request reads per step (default 256 KB). */
  historyStepBytes?: number;
}

/**
 * `Retry-After` in s for history requests over the cap. An estimate: one
 * read of 31 full days took about 11 s on the development machine.
 */
const HISTORY_RETRY_S = 5;

/** Creates timers over the globals, for a handler without `timers`. */
function globalTimers(): Timers {
  return {
    now: () => Date.now(),
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (id) => clearTimeout(id as ReturnType<typeof setTimeout>),
  };
}

/**
 * The method of each fixed route. `/api/logs/<file>` and the static files
 * take GET. The table contains strings, not handler closures, because each
 * closure costs Espruino about 8 variables.
 */
const ROUTE_METHODS: Record<string, string> = {
  '/api/status': 'GET',
  '/api/plug': 'POST',
  '/api/logging': 'POST',
  '/api/time': 'POST',
  '/api/logs': 'GET',
  '/api/history': 'GET',
  '/events': 'GET',
};

const LOG_ROUTE = '/api/logs/';

/** GET routes without HEAD support, because their work is expensive. */
const NO_HEAD = ['/events', '/api/history'];

const EARLIEST_TIME_MS = Date.UTC(2020, 0, 1);
const LATEST_TIME_MS = Date.UTC(2100, 0, 1);

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

/**
 * Wraps a response for a HEAD request: the status and headers go out, and
 * the first `write()` or `end()` ends the response without a body. `write()`
 * returns false, so streaming routes wait for a drain and stop on close.
 */
function withoutBody(res: ServerResponse): ServerResponse {
  let ended = false;
  function finish(): void {
    if (ended) return;
    ended = true;
    res.end();
  }
  return {
    writeHead: (status, headers) => res.writeHead(status, headers),
    write: () => {
      finish();
      return false;
    },
    end: finish,
    onClose: (listener) => res.onClose(listener),
    onDrain: (listener) => res.onDrain(listener),
  };
}

export function createApiHandler(options: ApiOptions): RequestHandler {
  const bus = options.bus;
  const log = options.log;
  const token = options.apiToken || null;
  const allowedHosts = normalizeHostNames(options.allowedHosts || []);
  const timers = options.timers || globalTimers();
  const historyMaxDays = options.historyMaxDays ?? 31;
  const historyMaxConcurrent = options.historyMaxConcurrent ?? 2;
  let historyReads = 0;

  /**
   * Runs the POST checks and reads `field` from the JSON body. Returns the
   * checked value, or the failure to send.
   */
  function readCommand(
    req: ServerRequest,
    field: string,
    check: FieldCheck,
  ): Parsed<unknown> {
    const rejected = checkControlRequest(req, token, allowedHosts);
    if (rejected) {
      if (rejected.status === 401 || rejected.status === 403) {
        log.warn('control request rejected', {
          url: req.url,
          status: rejected.status,
          remoteAddress: req.remoteAddress,
        });
      }
      return { ok: false, failure: rejected };
    }
    const parsed = parseJsonObject(req.body);
    if (!parsed.ok) return parsed;
    const value = parsed.value[field];
    const expected = check(value);
    if (expected) {
      const message =
        field + ' must be ' + expected + ', got ' + describe(value);
      return { ok: false, failure: { status: 400, message } };
    }
    return { ok: true, value };
  }

  function setPlug(req: ServerRequest, res: ServerResponse): Failure | null {
    const command = readCommand(req, 'on', isBoolean);
    if (!command.ok) return command.failure;
    const on = command.value as boolean;
    log.info('relay switch requested', {
      on,
      remoteAddress: req.remoteAddress,
    });
    bus.emit('shelly.setOutput', { on });
    sendJson(res, 202, { accepted: true });
    return null;
  }

  function setLogging(req: ServerRequest, res: ServerResponse): Failure | null {
    const command = readCommand(req, 'enabled', isBoolean);
    if (!command.ok) return command.failure;
    const enabled = command.value as boolean;
    log.info('logging switch requested', {
      enabled,
      remoteAddress: req.remoteAddress,
    });
    bus.emit('log.setEnabled', { enabled });
    sendJson(res, 202, { accepted: true });
    return null;
  }

  /** Returns the clock's source when it is trusted, else null. */
  function trustedClockSource(): string | null {
    const snapshot = options.status.snapshot() as {
      clock?: { source?: unknown; trusted?: unknown };
    } | null;
    const clock = snapshot ? snapshot.clock : undefined;
    if (!clock || clock.trusted !== true) return null;
    return String(clock.source);
  }

  function setTime(req: ServerRequest, res: ServerResponse): Failure | null {
    const command = readCommand(req, 'unixMs', isPlausibleTime);
    if (!command.ok) return command.failure;
    const unixMs = command.value as number;
    log.info('browser time received', {
      unixMs,
      remoteAddress: req.remoteAddress,
    });
    const source = trustedClockSource();
    bus.emit('clock.set', { unixMs: Math.round(unixMs), source: 'browser' });
    if (source === null) {
      sendJson(res, 202, { accepted: true });
      return null;
    }
    sendJson(res, 202, {
      accepted: true,
      used: false,
      reason:
        'the logger clock is set from ' +
        source +
        ', a trusted source, so the browser time is not used',
    });
    return null;
  }

  function sendHistory(
    req: ServerRequest,
    res: ServerResponse,
    result: { history: History } | { error: unknown },
  ): void {
    if ('history' in result) {
      sendJson(res, 200, result.history);
      return;
    }
    const error = result.error;
    const reason = error instanceof Error ? error.message : String(error);
    log.warn('history request failed', { url: req.url, error });
    sendFailure(res, {
      status: 503,
      message: 'log storage unavailable: ' + reason,
    });
  }

  function getHistory(req: ServerRequest, res: ServerResponse): Failure | null {
    const query = splitUrl(req.url).query;
    const parsed = parseHistoryQuery(
      query,
      options.status.now(),
      historyMaxDays,
    );
    if (!parsed.ok) return parsed.failure;
    if (historyReads >= historyMaxConcurrent) {
      return {
        status: 503,
        message:
          'too many history requests in progress (max ' +
          historyMaxConcurrent +
          '); retry in a few seconds',
        headers: { 'Retry-After': String(HISTORY_RETRY_S) },
      };
    }
    historyReads++;
    let active = true;
    function release(): void {
      if (!active) return;
      active = false;
      historyReads--;
    }
    const read = readHistory(
      {
        store: options.store,
        timers,
        stepBytes: options.historyStepBytes,
      },
      parsed.value,
      (result) => {
        release();
        // This runs from a timer, where a throw would end the process.
        try {
          sendHistory(req, res, result);
        } catch (err) {
          log.error('history reply failed', { url: req.url, error: err });
        }
      },
    );
    // Node also reports close after a finished response, and then this does
    // nothing.
    res.onClose(() => {
      if (!active) return;
      read.cancel();
      release();
      log.info('history request cancelled, the client left', {
        remoteAddress: req.remoteAddress,
      });
    });
    return null;
  }

  /** Runs the route of `path`. The caller has checked the method. */
  function run(
    path: string,
    req: ServerRequest,
    res: ServerResponse,
  ): Failure | null {
    switch (path) {
      case '/api/status':
        sendJson(res, 200, options.status.snapshot());
        return null;
      case '/api/plug':
        return setPlug(req, res);
      case '/api/logging':
        return setLogging(req, res);
      case '/api/time':
        return setTime(req, res);
      case '/api/logs':
        return listLogs(res, options.store);
      case '/api/history':
        return getHistory(req, res);
      case '/events':
        options.sse.handle(req, res);
        return null;
    }
    if (path.indexOf(LOG_ROUTE) === 0) {
      const name = path.slice(LOG_ROUTE.length);
      return downloadLog(res, options.store, name, log);
    }
    serveStatic(res, path, options.readStatic);
    return null;
  }

  /** Checks the Host of a read. POSTs check it with the control checks. */
  function checkReadHost(req: ServerRequest): Failure | null {
    const badHost = checkHost(req, allowedHosts);
    if (badHost) {
      log.warn('read request rejected', {
        url: req.url,
        host: req.headers['host'],
        remoteAddress: req.remoteAddress,
      });
    }
    return badHost;
  }

  function route(req: ServerRequest, res: ServerResponse): Failure | null {
    const path = splitUrl(req.url).path;
    if (path.charAt(0) !== '/') {
      return { status: 400, message: 'request target must start with /' };
    }
    const isApi = path === '/api' || path.indexOf('/api/') === 0;
    // Reads need an allowed Host too, so a DNS-rebound page can neither read
    // the status and logs nor open the event stream.
    if ((isApi || path === '/events') && req.method !== 'POST') {
      const badHost = checkReadHost(req);
      if (badHost) return badHost;
    }
    let method = ROUTE_METHODS[path];
    if (!method && (path.indexOf(LOG_ROUTE) === 0 || !isApi)) method = 'GET';
    if (!method) {
      return { status: 404, message: 'unknown API route: ' + path };
    }
    const head = method === 'GET' && NO_HEAD.indexOf(path) < 0;
    if (req.method === 'HEAD' && head) {
      return run(path, req, withoutBody(res));
    }
    if (req.method !== method) {
      const allow = head ? method + ', HEAD' : method;
      return {
        status: 405,
        message:
          'method ' + req.method + ' not allowed on ' + path + '; use ' + allow,
        headers: { Allow: allow },
      };
    }
    return run(path, req, res);
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
