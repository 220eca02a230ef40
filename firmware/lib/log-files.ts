/**
 * Appending rows to the day files, and repairing what a power cut or
 * `kill -9` left behind. Every append is whole lines in one write, so a cut
 * can only tear the last line. Before the first append to a file after a
 * (re)mount, a torn tail is moved to `<file>.torn` and the file is cut back
 * to its last newline, so every file parses again.
 */
import type { FileStore } from '../drivers/storage';
import type { Logger } from './logger';
import {
  isLogFileName,
  CSV_HEADER,
  csvLine,
  dayOf,
  jsonLine,
  logPaths,
  type LogRow,
} from './log-format';

/** Longer than any row, so the tail always contains the last newline. */
const TAIL_BYTES = 4096;

export interface PendingRow {
  row: LogRow;
  csvDone: boolean;
  jsonlDone: boolean;
}

/** Cut a torn last line off `path`; returns the bytes set aside. */
export function repairTail(
  store: FileStore,
  path: string,
  log: Logger,
): number {
  const size = store.size(path);
  if (size <= 0) return 0;
  const tail = store.readTail(path, TAIL_BYTES) || '';
  let keep = tail.length;
  if (!tail.endsWith('\n')) {
    keep = tail.lastIndexOf('\n') + 1;
  } else if (path.endsWith('.jsonl')) {
    keep = lastParsableEnd(tail);
  }
  if (keep === tail.length) return 0;

  const torn = tail.slice(keep);
  const tornBytes = byteLength(torn);
  store.append(path + '.torn', torn.endsWith('\n') ? torn : torn + '\n');
  store.truncate(path, size - tornBytes);
  log.warn('torn line set aside', {
    file: path,
    bytes: tornBytes,
    to: path + '.torn',
  });
  return tornBytes;
}

/** End of the last line that parses as JSON, for a tail ending in `\n`. */
function lastParsableEnd(tail: string): number {
  const body = tail.slice(0, -1);
  const start = body.lastIndexOf('\n') + 1;
  try {
    JSON.parse(body.slice(start));
    return tail.length;
  } catch {
    return start;
  }
}

export function byteLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c < 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

export interface Writer {
  /** Write every pending row; throws on the first failure, keeping state. */
  write(pending: PendingRow[]): string | null;
  /** Forget which files were checked, after a remount. */
  reset(): void;
}

export function createWriter(store: FileStore, log: Logger): Writer {
  let checked: Record<string, boolean> = {};

  function prepare(path: string, header: string): void {
    if (!checked[path]) {
      repairTail(store, path, log);
      checked[path] = true;
    }
    if (header && store.size(path) <= 0) store.append(path, header);
  }

  function writeDay(day: string, rows: PendingRow[]): void {
    const paths = logPaths(day);
    const csvRows = rows.filter((p) => !p.csvDone);
    if (csvRows.length > 0) {
      prepare(paths.csv, CSV_HEADER);
      store.append(paths.csv, csvRows.map((p) => csvLine(p.row)).join(''));
      for (const p of csvRows) p.csvDone = true;
    }
    const jsonRows = rows.filter((p) => !p.jsonlDone);
    if (jsonRows.length > 0) {
      prepare(paths.jsonl, '');
      store.append(paths.jsonl, jsonRows.map((p) => jsonLine(p.row)).join(''));
      for (const p of jsonRows) p.jsonlDone = true;
    }
  }

  return {
    write(pending) {
      const days: string[] = [];
      const byDay: Record<string, PendingRow[]> = {};
      for (const p of pending) {
        const day = dayOf(p.row);
        if (!byDay[day]) {
          byDay[day] = [];
          days.push(day);
        }
        byDay[day].push(p);
      }
      for (const day of days) writeDay(day, byDay[day]);
      return days.length > 0 ? logPaths(days[days.length - 1]).csv : null;
    },
    reset() {
      checked = {};
    },
  };
}

/**
 * Read the most recent row with a total, to continue the energy total. The
 * reset-safe total never decreases, so the last row written is the one with
 * the largest total, whatever day its timestamp names: rows stamped by the
 * fallback clock or a wrong browser time can sit in any file.
 */
export function readLastRow(store: FileStore): LogRow | null {
  const files = store
    .list('logs')
    .filter((f) => isLogFileName(f, 'jsonl'))
    .sort();
  let best: LogRow | null = null;
  for (const file of files) {
    const row = lastRowWithTotal(store.readTail('logs/' + file, TAIL_BYTES));
    if (
      row &&
      (best === null || (row.total_Wh as number) >= (best.total_Wh as number))
    ) {
      best = row;
    }
  }
  return best;
}

function lastRowWithTotal(tail: string | null): LogRow | null {
  const lines = (tail || '').split('\n');
  for (let j = lines.length - 1; j >= 0; j--) {
    const row = parseRow(lines[j]);
    if (row && row.total_Wh !== null && row.plug_total_Wh !== null) return row;
  }
  return null;
}

/** Read the first row with a total in the JSONL file of `day`, or null. */
export function readFirstRow(store: FileStore, day: string): LogRow | null {
  const head = store.readRange(logPaths(day).jsonl, 0, TAIL_BYTES) || '';
  const lines = head.split('\n');
  for (let i = 0; i < lines.length - 1; i++) {
    const row = parseRow(lines[i]);
    if (row && row.total_Wh !== null) return row;
  }
  return null;
}

function parseRow(line: string): LogRow | null {
  if (!line) return null;
  try {
    const row = JSON.parse(line) as LogRow;
    return typeof row === 'object' && row !== null ? row : null;
  } catch {
    return null;
  }
}
