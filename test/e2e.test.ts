import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startSimulator, type Simulator } from '../sim';
import {
  getJson,
  postJson,
  readCsv,
  startLogger,
  tempFolder,
  waitFor,
  writeSettings,
  type LoggerProcess,
} from './support/logger-process';

const PASSWORD = 'plug-secret';

let sim: Simulator;
let logger: LoggerProcess;
let dir: string;
let simPort: number;

function csvFile(): string {
  const logs = path.join(dir, 'sd', 'logs');
  const csv = fs
    .readdirSync(logs)
    .filter((f) => f.endsWith('.csv'))
    .sort();
  return path.join(logs, csv[csv.length - 1]);
}

async function status(): Promise<any> {
  return getJson(logger.url + '/api/status');
}

test.before(async () => {
  dir = tempFolder('logger-e2e-');
  sim = await startSimulator({ password: PASSWORD, seed: 7 });
  simPort = sim.port;
  const config = writeSettings(dir, {
    plug: { address: '127.0.0.1:' + simPort, password: PASSWORD },
    pollIntervalMs: 500,
    requestTimeoutMs: 1000,
    sdRoot: path.join(dir, 'sd'),
    http: { host: '127.0.0.1', port: 0 },
    https: { enabled: false },
    logging: { enabled: true, flushMs: 200 },
  });
  logger = await startLogger(config);
});

test.after(async () => {
  logger.child.kill('SIGTERM');
  await logger.exited;
  await sim.stop().catch(() => undefined);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('e2e readings arrive through digest auth', async () => {
  const s = await waitFor('a reading', async () => {
    const body = await status();
    return body.plug.reading && body.plug.reading.seq >= 2 ? body : undefined;
  });
  assert.is(s.plug.link, 'online');
  assert.is(s.plug.device.authEnabled, true);
  assert.type(s.plug.reading.powerW, 'number');
  assert.type(s.plug.reading.totalWh, 'number');
  assert.is(s.log.status === 'ok' || s.log.status === 'writing', true);
});

test('e2e SSE streams readings with ids', async () => {
  const controller = new AbortController();
  const res = await fetch(logger.url + '/events', {
    signal: controller.signal,
  });
  assert.is(
    res.headers.get('content-type')?.startsWith('text/event-stream'),
    true,
  );
  const reader = res.body!.getReader();
  let text = '';
  const decoder = new TextDecoder();
  await waitFor('an SSE reading', async () => {
    const chunk = await reader.read();
    text += decoder.decode(chunk.value);
    return text.includes('event: shelly.readingReceived') ? true : undefined;
  });
  controller.abort();
  const block = text
    .split('\n\n')
    .find((b) => b.includes('event: shelly.readingReceived'))!;
  assert.match(block, /^id: \d+/m);
  const data = JSON.parse(/^data: (.*)$/m.exec(block)![1]);
  assert.type(data.seq, 'number');
});

test('e2e relay switches the simulated plug', async () => {
  assert.is(sim.state().output, true);
  const res = await postJson(logger.url + '/api/plug', { on: false });
  assert.is(res.status, 202);
  await waitFor('relay off', () =>
    sim.state().output === false ? true : undefined,
  );
  const s = await waitFor('relay off reading', async () => {
    const body = await status();
    return body.plug.output === false ? body : undefined;
  });
  assert.is(s.plug.output, false);
  await postJson(logger.url + '/api/plug', { on: true });
  await waitFor('relay on', () =>
    sim.state().output === true ? true : undefined,
  );
});

test('e2e CSV rows are on disk', async () => {
  const { header, rows } = await waitFor('CSV rows', () => {
    const csv = readCsv(csvFile());
    return csv.rows.length >= 4 ? csv : undefined;
  });
  assert.ok(header.includes('power_W'));
  assert.ok(header.includes('total_Wh'));
  const readings = rows.filter((r) => r.event === 'reading');
  assert.ok(readings.length >= 4);
  for (const r of readings) {
    assert.match(r.ts, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    assert.ok(['ntp', 'plug', 'browser', 'fallback'].includes(r.time_source));
    assert.ok(r.power_W !== '');
  }
  const seqs = readings.map((r) => Number(r.seq));
  for (let i = 1; i < seqs.length; i++) assert.is(seqs[i], seqs[i - 1] + 1);
});

test('e2e plug outage shows unreachable and a gap', async () => {
  await sim.stop();
  const down = await waitFor('unreachable', async () => {
    const body = await status();
    return body.plug.link === 'unreachable' ? body : undefined;
  }).catch((err) => {
    console.log(logger.output().slice(-3000));
    throw err;
  });
  assert.ok(down.plug.failures >= 3);
  assert.ok(
    down.plug.lastError.code === 'network' ||
      down.plug.lastError.code === 'timeout',
  );
  await waitFor('gap row', () =>
    readCsv(csvFile()).rows.some((r) => r.event === 'gap') ? true : undefined,
  );

  sim = await startSimulator({ password: PASSWORD, seed: 8, port: simPort });
  await waitFor(
    'online again',
    async () => {
      const body = await status();
      return body.plug.link === 'online' ? true : undefined;
    },
    20000,
  );
  const rows = await waitFor('first reading after the gap', () => {
    const all = readCsv(csvFile()).rows;
    return all.some((r) => r.gap_s !== '') ? all : undefined;
  });
  const outage = rows.findIndex((r) => r.event === 'gap');
  const resumed = rows.findIndex((r) => r.gap_s !== '');
  assert.ok(resumed > outage, 'logging resumed after the outage');
  assert.ok(Number(rows[resumed].gap_s) >= 2);
  const totals = rows
    .filter((r) => r.total_Wh !== '')
    .map((r) => Number(r.total_Wh));
  for (let i = 1; i < totals.length; i++)
    assert.ok(totals[i] >= totals[i - 1], 'total never goes down');
});

test.run();
