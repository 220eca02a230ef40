import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { COLUMNS, CSV_HEADER } from '../firmware/lib/log-format';
import { csvRows, logRig, reading as readingAt } from './support/log-rig';

const DAY = '2026-06-01';
const CSV = 'logs/' + DAY + '.csv';
const JSONL = 'logs/' + DAY + '.jsonl';

function jsonRows(store: {
  read(p: string): string | null;
}): Record<string, unknown>[] {
  return (store.read(JSONL) || '')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l));
}

test('log queue writes batches to CSV and JSONL', async () => {
  const r = logRig();
  r.actor.start();
  await r.timers.advance(0);
  for (let i = 1; i <= 5; i++) {
    r.emitReading(i);
    await r.timers.advance(200);
  }
  await r.timers.advance(1000);
  assert.is(r.state(), 'ok');
  assert.ok((r.store.read(CSV) || '').startsWith(CSV_HEADER));
  const rows = csvRows(r.store, CSV);
  assert.is(rows.length, 5);
  assert.is(rows[0].length, COLUMNS.length);
  assert.is(rows[0][COLUMNS.indexOf('power_W')], '11');
  assert.is(
    rows[0][COLUMNS.indexOf('freq_Hz')],
    '',
    'missing field is an empty cell',
  );
  assert.is(rows[0][COLUMNS.indexOf('time_source')], 'ntp');
  assert.is(jsonRows(r.store).length, 5);
  assert.is(jsonRows(r.store)[4].total_Wh, 105);
  assert.is(r.deps.data.written, 5);
  r.actor.stop();
});

test('log queue changes state once per batch', async () => {
  const r = logRig();
  r.actor.start();
  await r.timers.advance(0);
  let transitions = 0;
  r.actor.subscribe(() => transitions++);
  for (let i = 1; i <= 10; i++) {
    r.emitReading(i);
    await r.timers.advance(100);
  }
  await r.timers.advance(1000);
  assert.is(csvRows(r.store, CSV).length, 10);
  assert.ok(transitions <= 4, 'transitions: ' + transitions);
  r.actor.stop();
});

test('log queue retries a failed write', async () => {
  const r = logRig();
  r.actor.start();
  await r.timers.advance(0);
  r.failAppends = 1;
  r.emitReading(1);
  await r.timers.advance(1000);
  assert.is(r.state(), 'retrying');
  const error = r.statuses[r.statuses.length - 1];
  assert.is(error.status, 'error');
  assert.ok(error.lastError?.includes('disk I/O error'));
  assert.is(error.queueLength, 1);
  await r.timers.advance(500);
  assert.is(r.state(), 'ok');
  assert.is(csvRows(r.store, CSV).length, 1);
  assert.is(jsonRows(r.store).length, 1);
  assert.is(r.statuses[r.statuses.length - 1].lastError, null);
  r.actor.stop();
});

test('log queue never writes a row twice after partial failure', async () => {
  const r = logRig();
  r.actor.start();
  await r.timers.advance(0);
  r.emitReading(1);
  await r.timers.advance(1000);
  const append = r.store.append;
  let calls = 0;
  r.store.append = (path, text) => {
    calls += 1;
    if (path.endsWith('.jsonl') && calls < 3)
      throw new Error('jsonl write failed');
    append(path, text);
  };
  r.emitReading(2);
  await r.timers.advance(1000);
  await r.timers.advance(5000);
  assert.is(csvRows(r.store, CSV).length, 2);
  assert.is(jsonRows(r.store).length, 2);
  r.actor.stop();
});

test('log queue remounts after repeated failures', async () => {
  const r = logRig();
  r.actor.start();
  await r.timers.advance(0);
  const mountsBefore = r.store.mounts;
  r.failAppends = 3;
  r.emitReading(1);
  await r.timers.advance(1000);
  await r.timers.advance(500 + 1000 + 10);
  assert.is(r.state(), 'retrying');
  await r.timers.advance(2000);
  assert.is(r.store.mounts, mountsBefore + 1);
  assert.is(r.state(), 'ok');
  assert.is(csvRows(r.store, CSV).length, 1);
  r.actor.stop();
});

test('log queue survives a pulled card', async () => {
  const r = logRig();
  r.actor.start();
  await r.timers.advance(0);
  r.emitReading(1);
  await r.timers.advance(1000);
  r.store.fail = true;
  for (let i = 2; i <= 20; i++) {
    r.emitReading(i);
    await r.timers.advance(1000);
  }
  assert.is(r.statuses[r.statuses.length - 1].status, 'error');
  assert.is(r.deps.data.pending.length, 19);
  r.store.fail = false;
  await r.timers.advance(5000);
  assert.is(r.state(), 'ok');
  const seqs = csvRows(r.store, CSV).map((row) =>
    Number(row[COLUMNS.indexOf('seq')]),
  );
  assert.equal(
    seqs,
    Array.from({ length: 20 }, (_, i) => i + 1),
  );
  r.actor.stop();
});

test('log queue overflow drops oldest and counts exactly', async () => {
  const r = logRig();
  r.deps.maxQueue = 10;
  r.actor.start();
  await r.timers.advance(0);
  r.store.fail = true;
  for (let i = 1; i <= 25; i++) {
    r.emitReading(i);
    await r.timers.advance(100);
  }
  assert.is(r.deps.data.dropped, 15);
  const queued = r.deps.data.pending;
  assert.is(queued.length, 10);
  assert.is(r.deps.data.drops.csv?.count, 15);
  assert.is(r.deps.data.drops.jsonl?.count, 15);
  assert.is(r.statuses[r.statuses.length - 1].dropped, 15);
  r.store.fail = false;
  await r.timers.advance(5000);
  const rows = csvRows(r.store, CSV);
  const events = rows.map((row) => row[COLUMNS.indexOf('event')]);
  assert.equal(events.filter((e) => e === 'dropped').length, 1);
  const seqs = rows
    .filter((row) => row[COLUMNS.indexOf('event')] === 'reading')
    .map((row) => Number(row[COLUMNS.indexOf('seq')]));
  assert.equal(seqs, [16, 17, 18, 19, 20, 21, 22, 23, 24, 25]);
  const note = jsonRows(r.store)[0].note as string;
  assert.ok(note.startsWith('15 rows dropped'), note);
  assert.is(r.deps.data.written, 10);
  r.actor.stop();
});

test('log queue off ignores readings', async () => {
  const r = logRig(false);
  r.actor.start();
  await r.timers.advance(0);
  assert.is(r.state(), 'off');
  r.emitReading(1);
  await r.timers.advance(2000);
  assert.is(r.store.read(CSV), null);
  assert.is(r.statuses[r.statuses.length - 1].status, 'off');
  r.actor.stop();
});

test('log queue enable and disable on command', async () => {
  const r = logRig(false);
  r.actor.start();
  await r.timers.advance(0);
  r.bus.emit('log.setEnabled', { enabled: true });
  await r.timers.advance(0);
  r.emitReading(1);
  r.emitReading(2);
  r.bus.emit('log.setEnabled', { enabled: false });
  await r.timers.advance(0);
  assert.is(r.state(), 'off');
  assert.is(csvRows(r.store, CSV).length, 2, 'queued rows written before off');
  r.emitReading(3);
  await r.timers.advance(2000);
  assert.is(csvRows(r.store, CSV).length, 2);
  r.actor.stop();
});

test('log queue writes a gap row', async () => {
  const r = logRig();
  r.actor.start();
  await r.timers.advance(0);
  r.emitReading(1);
  const error = { code: 'timeout', message: 'timed out' };
  r.bus.emit('shelly.linkChanged', {
    link: 'retrying',
    failures: 1,
    retryInMs: 1000,
    error,
  });
  r.bus.emit('shelly.linkChanged', {
    link: 'unreachable',
    failures: 3,
    retryInMs: 4000,
    error,
  });
  await r.timers.advance(1000);
  const rows = jsonRows(r.store);
  assert.is(rows.length, 2);
  assert.is(rows[1].event, 'gap');
  assert.is(rows[1].power_W, null);
  assert.is(rows[1].note, 'timeout: timed out');
  r.actor.stop();
});

test('log queue splits rows by UTC day', async () => {
  const r = logRig();
  r.actor.start();
  await r.timers.advance(0);
  const late = Date.UTC(2026, 5, 1, 23, 59, 59, 500);
  r.bus.emit('shelly.readingReceived', { ...readingAt(1, late) });
  r.bus.emit('shelly.readingReceived', { ...readingAt(2, late + 1000) });
  await r.timers.advance(1000);
  assert.is(csvRows(r.store, CSV).length, 1);
  assert.is(csvRows(r.store, 'logs/2026-06-02.csv').length, 1);
  assert.ok((r.store.read('logs/2026-06-02.csv') || '').startsWith(CSV_HEADER));
  r.actor.stop();
});

test('log queue stays bounded when one file fails', async () => {
  const r = logRig();
  r.deps.maxQueue = 10;
  r.actor.start();
  await r.timers.advance(0);

  const append = r.store.append;
  let jsonlBroken = true;
  r.store.append = (path, text) => {
    if (jsonlBroken && path.endsWith('.jsonl')) throw new Error('read-only');
    append(path, text);
  };
  for (let i = 1; i <= 40; i++) {
    r.emitReading(i);
    await r.timers.advance(1000);
  }

  assert.is(r.deps.data.pending.length, 10);
  assert.is(r.deps.data.dropped, 30);
  assert.is(r.deps.data.drops.csv, null, 'the CSV took every dropped row');
  assert.is(r.deps.data.drops.jsonl?.count, 30);

  jsonlBroken = false;
  await r.timers.advance(60000);

  const rows = jsonRows(r.store);
  const kept = rows.filter((x) => x.event === 'reading').map((x) => x.seq);
  assert.equal(kept, [31, 32, 33, 34, 35, 36, 37, 38, 39, 40]);

  const counted = rows
    .filter((x) => x.event === 'dropped')
    .map((x) => Number(String(x.note).split(' ')[0]));
  assert.equal(counted, [30]);
  assert.is(r.deps.data.pending.length, 0);

  const csvEvents = csvRows(r.store, CSV).map(
    (row) => row[COLUMNS.indexOf('event')],
  );
  assert.is(csvEvents.filter((e) => e === 'dropped').length, 0);
  assert.is(csvEvents.filter((e) => e === 'reading').length, 40);
  r.actor.stop();
});

test.run();
