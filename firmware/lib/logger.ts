/**
 * A small levelled, namespaced logger. The sink is injected so the host can
 * print to the console and tests can capture lines. Field values whose key
 * looks like a secret are replaced before they reach the sink.
 */

export type Level = 'debug' | 'info' | 'warn' | 'error';

export type Fields = Record<string, unknown>;

export interface LogRecord {
  level: Level;
  ns: string;
  msg: string;
  fields?: Fields;
}

export interface Logger {
  debug(msg: string, fields?: Fields): void;
  info(msg: string, fields?: Fields): void;
  warn(msg: string, fields?: Fields): void;
  error(msg: string, fields?: Fields): void;
  child(ns: string): Logger;
}

const RANK: Record<Level, number> = { debug: 0, info: 1, warn: 2, error: 3 };
const SECRET_KEY =
  /^pass$|password|passwd|passphrase|token|secret|authorization|cookie|api_key|apikey|private_key|privatekey/i;

/** Replace secret-looking values, in nested plain objects too. */
export function redact(fields: Fields, depth = 0): Fields {
  const out: Fields = {};
  for (const k of Object.keys(fields)) {
    const v = fields[k];
    if (SECRET_KEY.test(k) && v !== undefined && v !== null && v !== '') {
      out[k] = '[redacted]';
    } else if (v instanceof Error) {
      out[k] = v.message;
    } else if (v && typeof v === 'object' && !Array.isArray(v) && depth < 3) {
      out[k] = redact(v as Fields, depth + 1);
    } else {
      out[k] = v;
    }
  }
  return out;
}

/**
 * Loggers keep their methods on the prototype, because on Espruino an
 * object of five closures cost about 60 variables per logger and the device
 * entry makes about 20 of them.
 */
class NamespacedLogger implements Logger {
  private readonly sink: (record: LogRecord) => void;
  private readonly minLevel: Level;
  private readonly ns: string;

  constructor(sink: (record: LogRecord) => void, minLevel: Level, ns: string) {
    this.sink = sink;
    this.minLevel = minLevel;
    this.ns = ns;
  }

  private write(level: Level, msg: string, fields?: Fields): void {
    if (RANK[level] < RANK[this.minLevel]) return;
    const redacted = fields ? redact(fields) : undefined;
    this.sink({ level, ns: this.ns, msg, fields: redacted });
  }

  debug(msg: string, fields?: Fields): void {
    this.write('debug', msg, fields);
  }

  info(msg: string, fields?: Fields): void {
    this.write('info', msg, fields);
  }

  warn(msg: string, fields?: Fields): void {
    this.write('warn', msg, fields);
  }

  error(msg: string, fields?: Fields): void {
    this.write('error', msg, fields);
  }

  child(child: string): Logger {
    return new NamespacedLogger(
      this.sink,
      this.minLevel,
      this.ns + ':' + child,
    );
  }
}

export function createLogger(
  sink: (record: LogRecord) => void,
  minLevel: Level = 'info',
  ns = 'app',
): Logger {
  return new NamespacedLogger(sink, minLevel, ns);
}

/** Format a record as one line: `level ns message key=value ...`. */
export function formatRecord(record: LogRecord): string {
  let line = record.level.toUpperCase() + ' ' + record.ns + ' ' + record.msg;
  const fields = record.fields;
  if (fields) {
    for (const k of Object.keys(fields)) {
      if (fields[k] === undefined) continue;
      line += ' ' + k + '=' + JSON.stringify(fields[k]);
    }
  }
  return line;
}

/** A logger that discards everything, for code paths that need one. */
export const silentLogger: Logger = createLogger(() => undefined, 'error');
