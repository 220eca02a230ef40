import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createNodeFileStore } from '../firmware/drivers/node/storage';
import {
  createWriter,
  readLastRow,
  repairTail,
} from '../firmware/lib/log-files';
import {
  CSV_HEADER,
  isLogFileName,
  readingRow,
} from '../firmware/lib/log-format';
import { createLogger, type LogRecord } from '../firmware/lib/logger';
import { reading } from './support/log-rig';

function tempCard(): { root: string; done: () => void } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'logger-card-'));
  fs.mkdirSync(path.join(root, 'logs'));
  return {
    root,
    done: () => fs.rmSync(root, { recursive: true, force: true }),
  };
}

function capture(): {
  records: LogRecord[];
  log: ReturnType<typeof createLogger>;
} {
  const records: LogRecord[] = [];
  return { records, log: createLogger((r) => records.push(r), 'debug') };
}

test('log files repair a torn CSV line', () => {
  const card = tempCard();
  const file = path.join(card.root, 'logs/2026-06-01.csv');
  fs.writeFileSync(
    file,
    CSV_HEADER + 'a,b,c\n' + '2026-06-01T00:00:01.000Z,nt',
  );
  const store = createNodeFileStore(card.root);
  const { records, log } = capture();
  const removed = repairTail(store, 'logs/2026-06-01.csv', log);
  assert.is(removed, 27);
  assert.is(fs.readFileSync(file, 'utf8'), CSV_HEADER + 'a,b,c\n');
  assert.is(
    fs.readFileSync(file + '.torn', 'utf8'),
    '2026-06-01T00:00:01.000Z,nt\n',
  );
  assert.is(records[0].level, 'warn');
  assert.is(records[0].fields?.file, 'logs/2026-06-01.csv');
  card.done();
});

test('log files repair a JSONL line that does not parse', () => {
  const card = tempCard();
  const file = path.join(card.root, 'logs/2026-06-01.jsonl');
  fs.writeFileSync(file, '{"a":1}\n{"a":2,"b\n');
  const store = createNodeFileStore(card.root);
  repairTail(store, 'logs/2026-06-01.jsonl', capture().log);
  assert.is(fs.readFileSync(file, 'utf8'), '{"a":1}\n');
  card.done();
});

test('log files leave whole files alone', () => {
  const card = tempCard();
  const file = path.join(card.root, 'logs/2026-06-01.jsonl');
  fs.writeFileSync(file, '{"a":1}\n{"a":2}\n');
  const store = createNodeFileStore(card.root);
  assert.is(repairTail(store, 'logs/2026-06-01.jsonl', capture().log), 0);
  assert.is(fs.existsSync(file + '.torn'), false);
  card.done();
});

test('log files writer repairs before appending', () => {
  const card = tempCard();
  const csv = path.join(card.root, 'logs/2026-06-01.csv');
  fs.writeFileSync(csv, CSV_HEADER + 'torn');
  const store = createNodeFileStore(card.root);
  const writer = createWriter(store, capture().log);
  const row = readingRow(reading(1, Date.UTC(2026, 5, 1, 10)));
  writer.write([{ row, csvDone: false, jsonlDone: false }]);
  const lines = fs.readFileSync(csv, 'utf8').split('\n');
  assert.is(lines[0] + '\n', CSV_HEADER);
  assert.ok(lines[1].startsWith('2026-06-01T10:00:00.000Z,ntp,reading,1,'));
  assert.is(lines.length, 3);
  card.done();
});

test('log files last row restores the total', () => {
  const card = tempCard();
  const store = createNodeFileStore(card.root);
  const writer = createWriter(store, capture().log);
  const rows = [1, 2, 3].map((i) => ({
    row: readingRow(reading(i, Date.UTC(2026, 5, 1, 10, 0, i))),
    csvDone: false,
    jsonlDone: false,
  }));
  writer.write(rows);
  fs.appendFileSync(path.join(card.root, 'logs/2026-06-01.jsonl'), '{"broken');
  const last = readLastRow(store);
  assert.is(last?.seq, 3);
  assert.is(last?.total_Wh, 103);
  card.done();
});

test('log files last row follows the largest total', () => {
  const card = tempCard();
  const store = createNodeFileStore(card.root);
  const writer = createWriter(store, capture().log);
  const real = readingRow(reading(5, Date.UTC(2026, 5, 1, 10)));
  const later = readingRow(reading(9, Date.UTC(2026, 0, 1, 0, 0, 30)));
  writer.write([{ row: real, csvDone: false, jsonlDone: false }]);
  writer.write([{ row: later, csvDone: false, jsonlDone: false }]);
  const last = readLastRow(store);
  assert.is(last?.total_Wh, 109);
  assert.is(last?.ts, '2026-01-01T00:00:30.000Z');
  card.done();
});

test('log files last row is null on an empty card', () => {
  const card = tempCard();
  assert.is(readLastRow(createNodeFileStore(card.root)), null);
  card.done();
});

test('node file store rejects paths outside the root', () => {
  const card = tempCard();
  const store = createNodeFileStore(card.root);
  assert.throws(() => store.read('../secrets.json'), /outside the card root/);
  card.done();
});

test('log file names match day files only', () => {
  assert.ok(isLogFileName('2026-06-01.csv'));
  assert.ok(isLogFileName('2026-06-01.jsonl'));
  assert.ok(isLogFileName('2026-06-01.jsonl', 'jsonl'));
  assert.not.ok(isLogFileName('2026-06-01.csv', 'jsonl'));
  assert.not.ok(isLogFileName('2026-06-01.csv.torn'));
  assert.not.ok(isLogFileName('2026-6-01.csv'));
  assert.not.ok(isLogFileName('../2026-06-01.csv'));
  assert.not.ok(isLogFileName('secrets.json'));
});

test.run();
