/**
 * `GET /api/history`: readings from the JSON Lines day files, reduced to at
 * most `maxPoints` buckets of equal length. A bucket's point has the mean
 * power of its readings and the last reset-safe total. Buckets without
 * readings are left out, so gaps stay gaps.
 *
 * A month of 1 s readings is about 1 GB of JSON Lines, so the files are
 * read in steps of at most `stepBytes` or `STEP_MS`, each step started by a
 * 0 ms timer. Other requests, the SSE streams and the actors run between
 * the steps.
 */
import type { Timers } from '../drivers/platform';
import type { FileStore } from '../drivers/storage';
import type { Parsed } from './api-http';
import { logPaths, type LogRow } from './log-format';

const DAY_MS = 86_400_000;
const DEFAULT_RANGE_MS = DAY_MS;
const DEFAULT_MAX_POINTS = 500;
const MAX_POINTS_LIMIT = 2000;
/** Bytes read from the card per `readRange` call. */
const READ_BYTES = 8192;
/**
 * Bytes read and bucketed per step, between two yields to other work.
 * Measured with Node 20 on the development machine (x86-64): three 31 MB
 * day files take 1.1 s in 256 KB steps and 0.6 s in one piece, because
 * Node waits at least 1 ms for each timer.
 */
export const DEFAULT_STEP_BYTES = 262_144;
/** A step ends after this many ms even below `stepBytes`, e.g. on Espruino. */
const STEP_MS = 20;
/** Range ends outside 1970-01-01 to 2100-01-01 are rejected. */
const LATEST_TIME_MS = Date.UTC(2100, 0, 1);

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

/** Returns a message when `time` is outside the supported years, else null. */
function checkYears(
  name: string,
  time: number,
  raw: string | undefined,
): string | null {
  if (time >= 0 && time < LATEST_TIME_MS) return null;
  return (
    name +
    ' must be between 1970-01-01 and 2100-01-01, got ' +
    JSON.stringify(raw === undefined ? String(time) : raw)
  );
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
  const outside =
    checkYears('from', from, query.from) || checkYears('to', to, query.to);
  if (outside) return fail(outside);
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

function roundMilli(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function createBuckets(maxPoints: number): Buckets {
  const b: Buckets = { powerSum: [], powerCount: [], lastTotal: [], seen: [] };
  for (let i = 0; i < maxPoints; i++) {
    b.powerSum.push(0);
    b.powerCount.push(0);
    b.lastTotal.push(null);
    b.seen.push(false);
  }
  return b;
}

function toPoints(q: HistoryQuery, bucketMs: number, b: Buckets) {
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
  return points;
}

export interface HistoryReadOptions {
  store: FileStore;
  timers: Timers;
  /** Bytes read and bucketed per step; defaults to `DEFAULT_STEP_BYTES`. */
  stepBytes?: number;
}

export interface HistoryRead {
  /** Stops at the next step; `done` is not called after this. */
  cancel(): void;
}

/**
 * Reads the day files of the range and buckets their readings, at most
 * `stepBytes` per step with a 0 ms timer between steps. Calls `done` once,
 * always from a timer: with the history, or with the storage error.
 */
export function readHistory(
  options: HistoryReadOptions,
  q: HistoryQuery,
  done: (result: { history: History } | { error: unknown }) => void,
): HistoryRead {
  const store = options.store;
  const timers = options.timers;
  const stepBytes = Math.max(1, options.stepBytes || DEFAULT_STEP_BYTES);
  const bucketMs = Math.max(1, Math.ceil((q.to - q.from) / q.maxPoints));
  const buckets = createBuckets(q.maxPoints);
  const days = daysInRange(q.from, q.to);
  const files: string[] = [];
  let skippedLines = 0;
  let dayIndex = 0;
  /** The open file, or null between files. */
  let path: string | null = null;
  let size = 0;
  let offset = 0;
  /** The start of a line that continues in the next chunk. */
  let carry = '';
  let timer: unknown = null;
  let stopped = false;

  function addText(line: string): void {
    if (!addLine(q, bucketMs, buckets, line)) skippedLines++;
  }

  /** Opens the next day file that exists; returns false after the last. */
  function openNextFile(): boolean {
    while (dayIndex < days.length) {
      const next = logPaths(days[dayIndex]).jsonl;
      dayIndex++;
      const nextSize = store.size(next);
      if (nextSize < 0) continue;
      files.push(next.slice('logs/'.length));
      path = next;
      size = nextSize;
      offset = 0;
      carry = '';
      return true;
    }
    return false;
  }

  function closeFile(): void {
    if (carry !== '') addText(carry);
    carry = '';
    path = null;
  }

  function addChunk(chunk: string): void {
    const lines = (carry + chunk).split('\n');
    carry = lines.pop() as string;
    for (const line of lines) addText(line);
  }

  /**
   * Reads up to `stepBytes`, and at least one chunk but no more once
   * `STEP_MS` passed. Returns true when every file is read.
   */
  function readStep(): boolean {
    const started = timers.now();
    let budget = stepBytes;
    while (budget > 0) {
      if (budget < stepBytes && timers.now() - started >= STEP_MS) break;
      if (path === null && !openNextFile()) return true;
      const bytes = Math.min(READ_BYTES, budget, size - offset);
      const chunk =
        bytes > 0 ? store.readRange(path as string, offset, bytes) : null;
      // A file cut short meanwhile ends where the read came back empty.
      if (chunk === null || chunk === '') {
        closeFile();
        continue;
      }
      offset += bytes;
      budget -= bytes;
      addChunk(chunk);
      if (offset >= size) closeFile();
    }
    return false;
  }

  function step(): void {
    timer = null;
    if (stopped) return;
    let finished: boolean;
    try {
      finished = readStep();
    } catch (error) {
      stopped = true;
      done({ error });
      return;
    }
    if (!finished) {
      timer = timers.setTimeout(step, 0);
      return;
    }
    stopped = true;
    const points = toPoints(q, bucketMs, buckets);
    done({
      history: {
        from: q.from,
        to: q.to,
        bucketMs,
        points,
        files,
        skippedLines,
      },
    });
  }

  timer = timers.setTimeout(step, 0);
  return {
    cancel() {
      stopped = true;
      if (timer !== null) timers.clearTimeout(timer);
      timer = null;
    },
  };
}
