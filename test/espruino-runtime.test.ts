/**
 * Runs the device bundle in a Node `vm` context with only Espruino's
 * built-ins and fakes of its modules, against the plug simulator on
 * loopback, for five simulated minutes at 20 times real speed.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startSimulator, type Simulator } from '../sim';
import { COLUMNS } from '../firmware/lib/log-format';
import { readBundle } from './support/espruino-vm/bundle';
import { createScaledClock } from './support/espruino-vm/clock';
import {
  createEspruinoVm,
  type EspruinoVm,
} from './support/espruino-vm/context';

const SCALE = 20;
const SIMULATED_MS = 5 * 60 * 1000;

interface State {
  root: string;
  sim: Simulator;
  vm: EspruinoVm;
}

const test = suite<State>('espruino runtime');

function getJson(
  port: number,
  target: string,
): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: target, agent: false }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode || 0, body: JSON.parse(text) }),
        );
      })
      .on('error', reject);
  });
}

function csvRows(root: string): string[][] {
  const dir = path.join(root, 'sd', 'logs');
  const rows: string[][] = [];
  for (const name of fs
    .readdirSync(dir)
    .filter((n) => n.endsWith('.csv'))
    .sort()) {
    const lines = fs.readFileSync(path.join(dir, name), 'utf8').split('\n');
    assert.is(lines[0], COLUMNS.join(','), name + ' starts with the header');
    for (const line of lines.slice(1)) if (line) rows.push(line.split(','));
  }
  return rows;
}

test.before(async (state) => {
  const clock = createScaledClock(SCALE, Date.UTC(2026, 5, 1, 12));
  state.root = fs.mkdtempSync(path.join(os.tmpdir(), 'espruino-vm-'));
  fs.mkdirSync(path.join(state.root, 'sd'));
  state.sim = await startSimulator({
    host: '127.0.0.1',
    port: 0,
    now: clock.now,
  });
  const secrets = {
    plug: { address: state.sim.url.replace(/^http:\/\//, '') },
    pollIntervalMs: 1000,
    sdRoot: 'sd',
    http: { port: 0 },
    logging: { enabled: true, flushMs: 1000 },
    logLevel: 'warn',
  };
  state.vm = createEspruinoVm({
    clock,
    root: state.root,
    storage: { 'secrets.json': JSON.stringify(secrets) },
  });
  state.vm.run(readBundle(), 'firmware.js');
  await new Promise((resolve) => setTimeout(resolve, SIMULATED_MS / SCALE));
});

test.after(async (state) => {
  await state.vm.stop();
  await state.sim.stop();
  fs.rmSync(state.root, { recursive: true, force: true });
});

test('logs a row per poll to csv', (state) => {
  const rows = csvRows(state.root);
  const readings = rows.filter((r) => r[2] === 'reading');
  assert.ok(readings.length >= 200, 'readings logged: ' + readings.length);
  for (const row of rows) assert.is(row.length, COLUMNS.length, row.join(','));
  const totals = readings.map((r) => Number(r[COLUMNS.indexOf('total_Wh')]));
  for (let i = 1; i < totals.length; i++)
    assert.ok(totals[i] >= totals[i - 1], 'total_Wh never decreases');
});

test('answers GET /api/status', async (state) => {
  assert.ok(state.vm.ports.length > 0, 'the bundle listens');
  const res = await getJson(state.vm.ports[0], '/api/status');
  assert.is(res.status, 200);
  const status = res.body as {
    plug: { link: string; reading: { seq: number } | null };
    log: { status: string; written: number } | null;
    machines: Record<string, { state: string }>;
  };
  assert.is(status.plug.link, 'online');
  assert.ok(status.plug.reading, 'a reading reported');
  assert.ok(
    status.plug.reading.seq >= 200,
    'readings: ' + status.plug.reading.seq,
  );
  assert.ok(status.log, 'log status reported');
  assert.ok(status.log.written >= 200, 'rows written: ' + status.log.written);
  for (const name of [
    'clock',
    'led',
    'display',
    'logQueue',
    'server',
    'shelly',
  ])
    assert.ok(status.machines[name], 'machine ' + name + ' reported');
});

test('prints no errors', (state) => {
  const errors = state.vm.output.filter((l) =>
    /^ERROR|Uncaught|failed/.test(l),
  );
  assert.equal(errors, []);
});

test.run();
