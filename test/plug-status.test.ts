import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseSwitchStatus } from '../firmware/lib/plug-status';
import {
  bareMinimum,
  gen3WithFreqAndErrors,
  realPlusPlugS,
  unsyncedClock,
} from './fixtures/plug-responses';

test('plug status: real Plus Plug S reply', () => {
  const r = parseSwitchStatus(realPlusPlugS);
  if (!r.ok) throw new Error(r.error);
  assert.equal(r.value, {
    output: true,
    powerW: 2.7,
    voltageV: 227.9,
    currentA: 0.121,
    freqHz: null,
    temperatureC: 32.1,
    counterWh: 7258.589,
    lastMinuteMWh: 34.786,
    minuteTs: 1707326925,
    errors: [],
  });
});

test('plug status: unsynced clock and null temperature', () => {
  const r = parseSwitchStatus(unsyncedClock);
  if (!r.ok) throw new Error(r.error);
  assert.is(r.value.minuteTs, null);
  assert.is(r.value.lastMinuteMWh, null);
  assert.is(r.value.temperatureC, null);
  assert.is(r.value.counterWh, 12.5);
});

test('plug status: Gen3 frequency and errors', () => {
  const r = parseSwitchStatus(gen3WithFreqAndErrors);
  if (!r.ok) throw new Error(r.error);
  assert.is(r.value.freqHz, 50.01);
  assert.equal(r.value.errors, ['overpower']);
});

test('plug status: missing fields are null, never 0', () => {
  const r = parseSwitchStatus(bareMinimum);
  if (!r.ok) throw new Error(r.error);
  assert.is(r.value.powerW, null);
  assert.is(r.value.voltageV, null);
  assert.is(r.value.counterWh, null);
});

const MALFORMED: [string, unknown, string][] = [
  ['not an object', 'hello', 'not an object'],
  ['array', [1, 2], 'not an object'],
  ['power as text', { apower: '12' }, 'apower'],
  ['infinite voltage', { voltage: Infinity }, 'voltage'],
  ['output as number', { output: 1 }, 'output'],
  ['energy as number', { aenergy: 5 }, 'aenergy'],
  ['negative total', { aenergy: { total: -1 } }, 'negative'],
  ['total as text', { aenergy: { total: 'x' } }, 'aenergy.total'],
];

for (const [name, raw, word] of MALFORMED) {
  test('plug status rejects ' + name, () => {
    const r = parseSwitchStatus(raw);
    assert.is(r.ok, false);
    if (!r.ok) assert.ok(r.error.includes(word), r.error);
  });
}

test.run();
