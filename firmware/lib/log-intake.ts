/**
 * The log queue's data side: a bounded queue of rows fed from the bus. It
 * keeps at most `maxQueue` rows; when full, the oldest row is dropped and
 * counted, and a `dropped` row in its place says how many rows were lost
 * over which span. That marker is not counted against `maxQueue` and is
 * updated in place while it is unwritten. A row leaves the queue only after
 * both of its files took it.
 */
import type { Bus } from '../bus/bus';
import type { Events, LogStatus } from '../bus/events';
import type { Timers } from '../drivers/platform';
import type { Logger } from './logger';
import { noteRow, readingRow, type LogRow } from './log-format';
import type { PendingRow } from './log-files';
import type { Stamp } from './poll-session';

export interface LogQueueData {
  enabled: boolean;
  status: LogStatus;
  pending: PendingRow[];
  dropped: number;
  written: number;
  lastError: string | null;
  file: string | null;
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
  };
}

function isUntouchedMarker(p: PendingRow | undefined): boolean {
  return !!p && !!p.drop && !p.csvDone && !p.jsonlDone;
}

function dropNote(count: number, firstTs: string, lastTs: string): string {
  return count + ' rows dropped (queue full) from ' + firstTs + ' to ' + lastTs;
}

/** Drop the oldest row and record it in the front marker. */
function dropOldest(data: LogQueueData): void {
  const markerFirst = data.pending.length > 0 && !!data.pending[0].drop;
  const old = data.pending.splice(markerFirst ? 1 : 0, 1)[0];
  data.dropped += 1;
  const front = data.pending[0];
  if (isUntouchedMarker(front)) {
    const span = front.drop as { count: number; firstTs: string };
    span.count += 1;
    front.row.ts = old.row.ts;
    front.row.note = dropNote(span.count, span.firstTs, old.row.ts);
    return;
  }
  const ts = Date.parse(old.row.ts);
  const row = noteRow(
    ts,
    old.row.time_source,
    'dropped',
    dropNote(1, old.row.ts, old.row.ts),
  );
  const marker = {
    row,
    csvDone: false,
    jsonlDone: false,
    drop: { count: 1, firstTs: old.row.ts },
  };
  data.pending.splice(markerFirst ? 1 : 0, 0, marker);
}

/** Add a row, dropping the oldest when full; returns true when it dropped. */
export function enqueue(
  data: LogQueueData,
  row: LogRow,
  maxQueue: number,
): boolean {
  const markers = data.pending.filter((p) => !!p.drop).length;
  const full = data.pending.length - markers >= maxQueue;
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

  function push(row: LogRow): void {
    if (!o.data.enabled) return;
    if (enqueue(o.data, row, o.maxQueue)) {
      o.log.warn('log queue full, oldest row dropped', {
        dropped: o.data.dropped,
      });
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
