/**
 * Configuration from `secrets.json` (see `secrets.example.json` for every
 * field). Validation is pure so the device can run it on the copy kept in
 * Storage. Unknown keys are rejected, because a typo would otherwise fall
 * back silently to a default.
 */

export interface Config {
  plug: { address: string | null; password: string | null };
  pollIntervalMs: number;
  requestTimeoutMs: number;
  apiToken: string | null;
  sdRoot: string;
  logging: { enabled: boolean; flushMs: number };
  http: { host: string; port: number };
  https: HttpsSettings;
  trustHostClock: boolean;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  simulator: { port: number };
  ap: { ssid: string; password: string | null };
  station: { ssid: string | null; password: string | null };
}

/**
 * The HTTPS side of the web server. When enabled, the app is served on
 * `port` and `http.port` only redirects to it, apart from the certificate
 * page and the CA downloads.
 */
export interface HttpsSettings {
  enabled: boolean;
  port: number;
  /** Folder of the CA and server certificate, created when missing. */
  certDir: string;
  /** DNS names added to the server certificate, e.g. `logger.local`. */
  names: string[];
  /** IP addresses added to the server certificate besides this machine's. */
  ips: string[];
}

export function defaultConfig(): Config {
  return {
    plug: { address: null, password: null },
    pollIntervalMs: 1000,
    requestTimeoutMs: 3000,
    apiToken: null,
    sdRoot: './data/sd',
    logging: { enabled: true, flushMs: 1000 },
    http: { host: '127.0.0.1', port: 8080 },
    https: {
      enabled: true,
      port: 8443,
      certDir: './certs/out',
      names: [],
      ips: [],
    },
    trustHostClock: true,
    logLevel: 'info',
    simulator: { port: 0 },
    ap: { ssid: 'QT-LOGGER', password: null },
    station: { ssid: null, password: null },
  };
}

type Problems = string[];

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function isStringArray(x: unknown): x is string[] {
  return Array.isArray(x) && x.every((item) => typeof item === 'string');
}

/** Copy each known key of `src` onto `dst` if its type matches the default. */
function merge(
  dst: Record<string, unknown>,
  src: unknown,
  at: string,
  problems: Problems,
): void {
  if (!isObject(src)) {
    problems.push((at || 'the settings file') + ' must be a JSON object');
    return;
  }
  for (const key of Object.keys(src)) {
    const path = at ? at + '.' + key : key;
    if (key.charAt(0) === '$') continue;
    if (!Object.prototype.hasOwnProperty.call(dst, key)) {
      problems.push(path + ' is not a known setting');
      continue;
    }
    const value = src[key];
    const current = dst[key];
    if (isObject(current)) {
      merge(current, value, path, problems);
    } else if (Array.isArray(current)) {
      if (isStringArray(value)) dst[key] = value.slice();
      else problems.push(path + ' must be an array of strings');
    } else if (value === null || value === '') {
      if (current === null) dst[key] = null;
      else problems.push(path + ' must not be empty');
    } else if (
      current === null
        ? typeof value === 'string'
        : typeof value === typeof current
    ) {
      dst[key] = value;
    } else {
      const want = current === null ? 'string' : typeof current;
      problems.push(
        path + ' must be a ' + want + ', got ' + JSON.stringify(value),
      );
    }
  }
}

function isPort(n: number): boolean {
  return Math.floor(n) === n && n >= 0 && n <= 65535;
}

/** Integer range check; also rejects NaN from a bad command-line value. */
function checkRange(
  problems: Problems,
  name: string,
  value: number,
  min: number,
  max: number,
  reason: string,
): void {
  if (Math.floor(value) === value && value >= min && value <= max) return;
  problems.push(
    name +
      ' must be an integer from ' +
      min +
      ' to ' +
      max +
      (reason ? ' (' + reason + ')' : '') +
      ', got ' +
      value,
  );
}

function checkRanges(c: Config, problems: Problems): void {
  checkRange(
    problems,
    'pollIntervalMs',
    c.pollIntervalMs,
    500,
    3600000,
    'the plug throttles faster polls',
  );
  checkRange(problems, 'requestTimeoutMs', c.requestTimeoutMs, 100, 60000, '');
  checkRange(problems, 'logging.flushMs', c.logging.flushMs, 0, 60000, '');
  if (!isPort(c.http.port))
    problems.push('http.port must be an integer 0..65535');
  if (!isPort(c.https.port))
    problems.push('https.port must be an integer 0..65535');
  if (c.https.enabled && c.https.port !== 0 && c.https.port === c.http.port) {
    problems.push(
      'https.port must differ from http.port, ' +
        'which serves the redirect to HTTPS',
    );
  }
  if (!isPort(c.simulator.port))
    problems.push('simulator.port must be an integer 0..65535');
  if (['debug', 'info', 'warn', 'error'].indexOf(c.logLevel) < 0) {
    problems.push('logLevel must be debug, info, warn or error');
  }
  const address = c.plug.address;
  if (address !== null && !/^[\w.:[\]-]+$/.test(hostPart(address))) {
    problems.push(
      'plug.address must be an IP address or host, optionally with http:// and a port',
    );
  }
}

/** Validate a parsed `secrets.json`; throws one error listing every problem. */
export function parseConfig(raw: unknown): Config {
  const config = defaultConfig();
  const problems: Problems = [];
  merge(config as unknown as Record<string, unknown>, raw, '', problems);
  checkRanges(config, problems);
  if (problems.length > 0) {
    throw new Error('invalid configuration: ' + problems.join('; '));
  }
  return config;
}

/** Strip `http://` or `https://` and a trailing slash from the address. */
function hostPart(address: string): string {
  let rest = address;
  if (rest.indexOf('http://') === 0) rest = rest.slice(7);
  else if (rest.indexOf('https://') === 0) rest = rest.slice(8);
  if (rest.charAt(rest.length - 1) === '/') rest = rest.slice(0, -1);
  return rest;
}

/**
 * `http://<address>` without a trailing slash. Written without `?` in
 * regular expressions, because Espruino 2v29 does not support that
 * quantifier and this runs on the device too.
 */
export function plugBaseUrl(address: string): string {
  const scheme = address.indexOf('https://') === 0 ? 'https://' : 'http://';
  return scheme + hostPart(address);
}
