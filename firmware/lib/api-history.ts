/**
 * `GET /api/history`: readings from the JSON Lines day files, reduced to at
 * most `maxPoints` buckets of equal length. A bucket's point has the mean
 * power of its readings and the last reset-safe total. Buckets without
 * readings are left out, so gaps stay gaps.
 */
import type { FileStore } from '../drivers/storage';
import type { Parsed } from './api-http';
import { logPaths, type LogRow } from './log-format';

const DAY_MS = 86_400_000;
const DEFAULT_RANGE_MS = DAY_MS;
const DEFAULT_MAX_POINTS = 500;
const MAX_POINTS_LIMIT = 2000;
/** Bytes read from the card at a time. */
const READ_BYTES = 8192;

export interface HistoryQuery {
  /** Unix ms, inclusive. */
  from: number;
  /** Unix ms, inclusive. */
  to: number;
  maxPoints: number;
}

export interface HistoryPoint {
  /** Start of the bucket, Unix ms. */
  ts: number;
  /** Mean power of the bucket's readings, or null when none had one. */
  powerW: number | null;
  /** The last reset-safe total in the bucket. */
  totalWh: number | null;
}

export interface History {
  from: number;
  to: number;
  bucketMs: number;
  points: HistoryPoint[];
  /** Day files that were read. */
  files: string[];
  /** Lines that did not parse, e.g. a line torn by a power cut. */
  skippedLines: number;
}

function fail(message: string): Parsed<HistoryQuery> {
  return { ok: false, failure: { status: 400, message } };
}

/** Unix ms from all digits, else ISO 8601; NaN when neither parses. */
function parseTime(value: string): number {
  if (/^\d+$/.test(value)) return parseInt(value, 10);
  return Date.parse(value);
}

export function parseHistoryQuery(
  query: Record<string, string>,
  now: number,
  maxDays: number,
): Parsed<HistoryQuery> {
  const to = query.to === undefined ? now : parseTime(query.to);
  if (isNaN(to)) {
    return fail(
      'to must be an ISO 8601 time or Unix ms, got ' + JSON.stringify(query.to),
    );
  }
  const from =
    query.from === undefined ? to - DEFAULT_RANGE_MS : parseTime(query.from);
  if (isNaN(from)) {
    return fail(
      'from must be an ISO 8601 time or Unix ms, got ' +
        JSON.stringify(query.from),
    );
  }
  if (from >= to) return fail('from must be before to');
  if (to - from > maxDays * DAY_MS) {
    return fail(
      'range is longer than ' + maxDays + ' days; request a shorter range',
    );
  }

  let maxPoints = DEFAULT_MAX_POINTS;
  if (query.maxPoints !== undefined) {
    maxPoints = /^\d+$/.test(query.maxPoints)
      ? parseInt(query.maxPoints, 10)
      : NaN;
    if (!(maxPoints >= 1 && maxPoints <= MAX_POINTS_LIMIT)) {
      return fail(
        'maxPoints must be an integer from 1 to ' +
          MAX_POINTS_LIMIT +
          ', got ' +
          JSON.stringify(query.maxPoints),
      );
    }
  }
  return { ok: true, value: { from, to, maxPoints } };
}

/** `YYYY-MM-DD` of every UTC day that overlaps the range. */
export function daysInRange(from: number, to: number): string[] {
  const days: string[] = [];
  let day = Math.floor(from / DAY_MS) * DAY_MS;
  while (day <= to) {
    days.push(new Date(day).toISOString().slice(0, 10));
    day += DAY_MS;
  }
  return days;
}

interface Buckets {
  powerSum: number[];
  powerCount: number[];
  lastTotal: (number | null)[];
  seen: boolean[];
}

function addRow(
  q: HistoryQuery,
  bucketMs: number,
  b: Buckets,
  row: LogRow,
): void {
  const ts = Date.parse(row.ts);
  if (isNaN(ts) || ts < q.from || ts > q.to) return;
  const i = Math.min(q.maxPoints - 1, Math.floor((ts - q.from) / bucketMs));
  b.seen[i] = true;
  if (typeof row.power_W === 'number') {
    b.powerSum[i] += row.power_W;
    b.powerCount[i]++;
  }
  if (typeof row.total_Wh === 'number') b.lastTotal[i] = row.total_Wh;
}

function addLine(
  q: HistoryQuery,
  bucketMs: number,
  b: Buckets,
  line: string,
): boolean {
  if (line === '') return true;
  let row: LogRow;
  try {
    row = JSON.parse(line);
  } catch {
    return false;
  }
  if (row && row.event === 'reading' && typeof row.ts === 'string') {
    addRow(q, bucketMs, b, row);
  }
  return true;
}

/**
 * Adds every reading row of one file, read `READ_BYTES` at a time so a day
 * file never has to fit in memory. Returns the count of unparsable lines.
 */
function addFile(
  store: FileStore,
  path: string,
  size: number,
  add: (line: string) => boolean,
): number {
  let skipped = 0;
  let carry = '';
  for (let offset = 0; offset < size; offset += READ_BYTES) {
    const chunk = store.readRange(path, offset, READ_BYTES);
    if (chunk === null || chunk === '') break;
    const lines = (carry + chunk).split('\n');
    carry = lines.pop() as string;
    for (const line of lines) if (!add(line)) skipped++;
  }
  if (carry !== '' && !add(carry)) skipped++;
  return skipped;
}

function roundMilli(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/**
 * Reads the day files of the range and buckets their readings. Storage
 * errors are thrown to the caller.
 */
export function readHistory(store: FileStore, q: HistoryQuery): History {
  const bucketMs = Math.max(1, Math.ceil((q.to - q.from) / q.maxPoints));
  const b: Buckets = { powerSum: [], powerCount: [], lastTotal: [], seen: [] };
  for (let i = 0; i < q.maxPoints; i++) {
    b.powerSum.push(0);
    b.powerCount.push(0);
    b.lastTotal.push(null);
    b.seen.push(false);
  }

  const files: string[] = [];
  let skippedLines = 0;
  for (const day of daysInRange(q.from, q.to)) {
    const path = logPaths(day).jsonl;
    const size = store.size(path);
    if (size < 0) continue;
    files.push(path.slice('logs/'.length));
    skippedLines += addFile(store, path, size, (line) =>
      addLine(q, bucketMs, b, line),
    );
  }

  const points: HistoryPoint[] = [];
  for (let i = 0; i < q.maxPoints; i++) {
    if (!b.seen[i]) continue;
    points.push({
      ts: q.from + i * bucketMs,
      powerW:
        b.powerCount[i] > 0
          ? roundMilli(b.powerSum[i] / b.powerCount[i])
          : null,
      totalWh: b.lastTotal[i],
    });
  }
  return { from: q.from, to: q.to, bucketMs, points, files, skippedLines };
}
