import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startSimulator } from '../sim';
import { COLUMNS } from '../firmware/lib/log-format';
import {
  getJson,
  readCsv,
  sleep,
  startLogger,
  tempFolder,
  waitFor,
  writeSettings,
} from './support/logger-process';

function logFiles(dir: string, ext: string): string[] {
  const logs = path.join(dir, 'sd', 'logs');
  return fs
    .readdirSync(logs)
    .filter((f) => f.endsWith(ext))
    .sort()
    .map((f) => path.join(logs, f));
}

function jsonlRows(file: string): Record<string, unknown>[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l));
}

test('crash kill -9 leaves files that parse', async () => {
  const dir = tempFolder('logger-crash-');
  const sim = await startSimulator({ seed: 3 });
  sim.setLoad(1800);
  const config = writeSettings(dir, {
    plug: { address: '127.0.0.1:' + sim.port },
    pollIntervalMs: 500,
    sdRoot: path.join(dir, 'sd'),
    http: { host: '127.0.0.1', port: 0 },
    https: { enabled: false },
    logging: { enabled: true, flushMs: 50 },
  });

  const delays = [1700, 2300, 2900];
  for (const delay of delays) {
    const logger = await startLogger(config);
    await waitFor('rows', () =>
      logFiles(dir, '.csv').length > 0 ? true : undefined,
    );
    await sleep(delay);
    logger.child.kill('SIGKILL');
    assert.is(await logger.exited, 'SIGKILL');
  }

  // A cut in the middle of a write: the last line of each file is torn.
  const csvFile = logFiles(dir, '.csv').pop() as string;
  const jsonlFile = logFiles(dir, '.jsonl').pop() as string;
  fs.appendFileSync(csvFile, '2026-01-01T00:00:00.000Z,ntp,read');
  fs.appendFileSync(jsonlFile, '{"ts":"2026-01-01T00:00:00.000Z","ti');

  const last = await startLogger(config);
  await waitFor('repair', () =>
    fs.existsSync(csvFile + '.torn') ? true : undefined,
  ).catch((err) => {
    console.log(last.output());
    throw err;
  });
  await sleep(1500);
  const status = await getJson(last.url + '/api/status');
  assert.ok(
    status.energyToday.wh > 1,
    'energy today continues: ' + status.energyToday.wh,
  );
  last.child.kill('SIGTERM');
  assert.is(await last.exited, '0');
  assert.match(last.output(), /torn line set aside/);
  assert.is(
    fs.readFileSync(csvFile + '.torn', 'utf8'),
    '2026-01-01T00:00:00.000Z,ntp,read\n',
  );
  assert.ok(fs.existsSync(jsonlFile + '.torn'));

  for (const file of logFiles(dir, '.csv')) {
    const { header } = readCsv(file);
    assert.equal(header, COLUMNS as string[]);
  }
  const rows = logFiles(dir, '.jsonl').flatMap(jsonlRows);
  const readings = rows.filter((r) => r.event === 'reading');
  assert.ok(readings.length >= 10, 'readings: ' + readings.length);
  const totals = readings.map((r) => r.total_Wh as number);
  for (let i = 1; i < totals.length; i++) {
    assert.ok(totals[i] >= totals[i - 1], 'total went down at row ' + i);
  }
  const restarts = readings.filter((r) => r.seq === 1).length;
  assert.is(restarts, delays.length + 1);
  assert.ok(
    totals[totals.length - 1] > 0.5,
    'energy accumulated across restarts',
  );

  await sim.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

test.run();
