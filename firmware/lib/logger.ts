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

export function createLogger(
  sink: (record: LogRecord) => void,
  minLevel: Level = 'info',
  ns = 'app',
): Logger {
  const min = RANK[minLevel];

  function write(level: Level, msg: string, fields?: Fields): void {
    if (RANK[level] < min) return;
    sink({ level, ns, msg, fields: fields ? redact(fields) : undefined });
  }

  return {
    debug: (msg, fields) => write('debug', msg, fields),
    info: (msg, fields) => write('info', msg, fields),
    warn: (msg, fields) => write('warn', msg, fields),
    error: (msg, fields) => write('error', msg, fields),
    child: (child) => createLogger(sink, minLevel, ns + ':' + child),
  };
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
