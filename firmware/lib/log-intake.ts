/**
 * The log queue's data side: a bounded queue of rows fed from the bus. It
 * keeps at most `maxQueue` rows. When full, the oldest row is dropped and
 * counted for each file that had not taken it yet. Before its next batch,
 * each such file gets one `dropped` row saying how many rows were lost over
 * which span, so the count is exact per file even when only one file
 * fails. A row leaves the queue only after both of its files took it.
 */
import type { Bus } from '../bus/bus';
import type { Events, LogStatus } from '../bus/events';
import type { Timers } from '../drivers/platform';
import type { Logger } from './logger';
import { noteRow, readingRow, type LogRow } from './log-format';
import type { PendingRow } from './log-files';
import type { Stamp } from './poll-session';

/** Rows one file lost to overflow since its last `dropped` row. */
export interface DropSpan {
  count: number;
  firstTs: string;
  lastTs: string;
  source: LogRow['time_source'];
}

export interface LogQueueData {
  enabled: boolean;
  status: LogStatus;
  pending: PendingRow[];
  /** Rows dropped from the queue since the logger started. */
  dropped: number;
  written: number;
  lastError: string | null;
  file: string | null;
  drops: { csv: DropSpan | null; jsonl: DropSpan | null };
}

export function createQueueData(): LogQueueData {
  return {
    enabled: false,
    status: 'off',
    pending: [],
    dropped: 0,
    written: 0,
    lastError: null,
    file: null,
    drops: { csv: null, jsonl: null },
  };
}

function widen(span: DropSpan | null, row: LogRow): DropSpan {
  if (!span) {
    return {
      count: 1,
      firstTs: row.ts,
      lastTs: row.ts,
      source: row.time_source,
    };
  }
  span.count += 1;
  span.lastTs = row.ts;
  return span;
}

function dropOldest(data: LogQueueData): void {
  const old = data.pending.shift() as PendingRow;
  data.dropped += 1;
  if (!old.csvDone) data.drops.csv = widen(data.drops.csv, old.row);
  if (!old.jsonlDone) data.drops.jsonl = widen(data.drops.jsonl, old.row);
}

export interface DropMarkers {
  csv: PendingRow | null;
  jsonl: PendingRow | null;
}

/**
 * Build the `dropped` rows owed to each file, as pending entries that only
 * that file still has to take. Writes are synchronous, so the spans cannot grow
 * between this call and `settleDropMarkers` after the write.
 */
export function dropMarkers(data: LogQueueData): DropMarkers {
  const csv = data.drops.csv;
  const jsonl = data.drops.jsonl;
  return {
    csv: csv ? { row: markerRow(csv), csvDone: false, jsonlDone: true } : null,
    jsonl: jsonl
      ? { row: markerRow(jsonl), csvDone: true, jsonlDone: false }
      : null,
  };
}

/** Forget the spans whose marker rows their file took. */
export function settleDropMarkers(data: LogQueueData, m: DropMarkers): void {
  if (m.csv && m.csv.csvDone) data.drops.csv = null;
  if (m.jsonl && m.jsonl.jsonlDone) data.drops.jsonl = null;
}

function markerRow(span: DropSpan): LogRow {
  const note =
    span.count +
    ' rows dropped (queue full) from ' +
    span.firstTs +
    ' to ' +
    span.lastTs;
  return noteRow(Date.parse(span.lastTs), span.source, 'dropped', note);
}

/** Add a row, dropping the oldest when full; returns true when it dropped. */
export function enqueue(
  data: LogQueueData,
  row: LogRow,
  maxQueue: number,
): boolean {
  const full = data.pending.length >= maxQueue;
  if (full) dropOldest(data);
  data.pending.push({ row, csvDone: false, jsonlDone: false });
  return full;
}

export interface IntakeOptions {
  bus: Bus;
  log: Logger;
  timers: Timers;
  data: LogQueueData;
  stamp: () => Stamp;
  maxQueue: number;
  flushMs: number;
  onFlush: () => void;
  onDrop: () => void;
  onEnable: (enabled: boolean) => void;
}

/** Subscribe to the bus; returns the unsubscribe function. */
export function startIntake(o: IntakeOptions): () => void {
  let flushTimer: unknown = null;
  let online = true;

  let lastWarnMs = -Infinity;
  let unreported = 0;

  function push(row: LogRow): void {
    if (!o.data.enabled) return;
    if (enqueue(o.data, row, o.maxQueue)) {
      unreported += 1;
      // One warning a minute at most, with the count since the last one.
      if (o.timers.now() - lastWarnMs >= 60000) {
        o.log.warn('log queue full, oldest rows dropped', {
          droppedSinceLastWarning: unreported,
          dropped: o.data.dropped,
        });
        lastWarnMs = o.timers.now();
        unreported = 0;
      }
      o.onDrop();
    }
    if (flushTimer === null) {
      flushTimer = o.timers.setTimeout(() => {
        flushTimer = null;
        o.onFlush();
      }, o.flushMs);
    }
  }

  const onReading = (r: Events['shelly.readingReceived']) => {
    online = true;
    push(readingRow(r));
  };
  const onLink = (l: Events['shelly.linkChanged']) => {
    if (l.link === 'online' || l.link === 'connecting' || !online) return;
    online = false;
    const msg = l.error ? l.error.code + ': ' + l.error.message : 'poll failed';
    const now = o.stamp();
    push(noteRow(now.ts, now.source, 'gap', msg));
  };
  const onEnable = (c: Events['log.setEnabled']) => o.onEnable(c.enabled);

  o.bus.on('shelly.readingReceived', onReading);
  o.bus.on('shelly.linkChanged', onLink);
  o.bus.on('log.setEnabled', onEnable);
  return () => {
    o.bus.off('shelly.readingReceived', onReading);
    o.bus.off('shelly.linkChanged', onLink);
    o.bus.off('log.setEnabled', onEnable);
    if (flushTimer !== null) o.timers.clearTimeout(flushTimer);
  };
}
