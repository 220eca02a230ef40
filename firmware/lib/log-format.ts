/**
 * Rows of the SD log. Each row goes to `logs/YYYY-MM-DD.csv` and
 * `logs/YYYY-MM-DD.jsonl` of its UTC day, with the same column names in
 * both. Units are in the names; a missing value is an empty CSV cell and
 * null in JSON, never 0.
 */
import type { Reading, TimeSource } from '../bus/events';

/** reading: a poll; gap: polls started failing; dropped: queue overflow. */
export type RowEvent = 'reading' | 'gap' | 'dropped';

export interface LogRow {
  ts: string;
  time_source: TimeSource;
  event: RowEvent;
  seq: number | null;
  output: boolean | null;
  power_W: number | null;
  voltage_V: number | null;
  current_A: number | null;
  freq_Hz: number | null;
  temperature_C: number | null;
  plug_total_Wh: number | null;
  last_minute_mWh: number | null;
  minute_ts: number | null;
  errors: string | null;
  total_Wh: number | null;
  interval_Wh: number | null;
  segment: number | null;
  gap_s: number | null;
  note: string | null;
}

export const COLUMNS: (keyof LogRow)[] = [
  'ts',
  'time_source',
  'event',
  'seq',
  'output',
  'power_W',
  'voltage_V',
  'current_A',
  'freq_Hz',
  'temperature_C',
  'plug_total_Wh',
  'last_minute_mWh',
  'minute_ts',
  'errors',
  'total_Wh',
  'interval_Wh',
  'segment',
  'gap_s',
  'note',
];

export const CSV_HEADER = COLUMNS.join(',') + '\n';

function emptyRow(ts: number, source: TimeSource, event: RowEvent): LogRow {
  return {
    ts: new Date(ts).toISOString(),
    time_source: source,
    event,
    seq: null,
    output: null,
    power_W: null,
    voltage_V: null,
    current_A: null,
    freq_Hz: null,
    temperature_C: null,
    plug_total_Wh: null,
    last_minute_mWh: null,
    minute_ts: null,
    errors: null,
    total_Wh: null,
    interval_Wh: null,
    segment: null,
    gap_s: null,
    note: null,
  };
}

export function readingRow(r: Reading): LogRow {
  const row = emptyRow(r.ts, r.timeSource, 'reading');
  row.seq = r.seq;
  row.output = r.output;
  row.power_W = r.powerW;
  row.voltage_V = r.voltageV;
  row.current_A = r.currentA;
  row.freq_Hz = r.freqHz;
  row.temperature_C = r.temperatureC;
  row.plug_total_Wh = r.plugTotalWh;
  row.last_minute_mWh = r.lastMinuteMWh;
  row.minute_ts = r.minuteTs;
  row.errors = r.errors.length > 0 ? r.errors.join(' ') : null;
  row.total_Wh = r.totalWh;
  row.interval_Wh = r.intervalWh;
  row.segment = r.segment;
  row.gap_s = r.gapS;
  return row;
}

export function noteRow(
  ts: number,
  source: TimeSource,
  event: RowEvent,
  note: string,
): LogRow {
  const row = emptyRow(ts, source, event);
  row.note = note;
  return row;
}

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  if (/[",\n\r]/.test(s)) return '"' + s.replace(/"/g, '""') + '"';
  return s;
}

export function csvLine(row: LogRow): string {
  const cells: string[] = [];
  for (const k of COLUMNS) cells.push(csvCell(row[k]));
  return cells.join(',') + '\n';
}

export function jsonLine(row: LogRow): string {
  return JSON.stringify(row) + '\n';
}

/** `YYYY-MM-DD` of the row's UTC day. */
export function dayOf(row: LogRow): string {
  return row.ts.slice(0, 10);
}

/**
 * True for day file names such as `2026-06-01.csv`. It uses no `{n}`, `?`
 * or alternation inside a group, which Espruino 2v29's regular expressions
 * get wrong.
 */
export function isLogFileName(name: string, ext?: 'csv' | 'jsonl'): boolean {
  if (!/^\d\d\d\d-\d\d-\d\d\./.test(name)) return false;
  const actual = name.slice(11);
  if (actual !== 'csv' && actual !== 'jsonl') return false;
  return ext === undefined || actual === ext;
}

export function logPaths(day: string): { csv: string; jsonl: string } {
  return { csv: 'logs/' + day + '.csv', jsonl: 'logs/' + day + '.jsonl' };
}
