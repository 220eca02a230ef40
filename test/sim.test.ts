import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createLoadProfile, startSimulator } from '../sim/index';
import {
  START_MS,
  createClock,
  digestRequest,
  fetchChallenge,
  postAdmin,
  postFrame,
  requestJson,
  rpcResult,
  sha256hex,
  withSim,
} from './support/sim-helpers';

const MAC = 'A8032ABE54DC';
const DEVICE_ID = 'shellyplusplugs-a8032abe54dc';

function near(
  actual: number,
  expected: number,
  tolerance: number,
  label: string,
) {
  assert.ok(
    Math.abs(actual - expected) <= tolerance,
    `${label}: expected ${expected} ± ${tolerance}, got ${actual}`,
  );
}

// ---------------------------------------------------------------- transport

test('frame form returns a full frame', async () => {
  await withSim({ mac: MAC }, async (sim) => {
    const reply = await postFrame(sim, 'Switch.GetStatus', { id: 0 });
    assert.is(reply.status, 200);
    assert.is(reply.body.id, 1);
    assert.is(reply.body.src, DEVICE_ID);
    assert.is(reply.body.dst, 'test');
    assert.is(reply.body.result.id, 0);
    assert.is(reply.body.error, undefined);
  });
});

test('POST /rpc/<Method> returns the bare result', async () => {
  await withSim({ mac: MAC }, async (sim) => {
    const reply = await requestJson(`${sim.url}/rpc/Switch.GetStatus`, {
      method: 'POST',
      body: JSON.stringify({ id: 0 }),
    });
    assert.is(reply.status, 200);
    assert.is(reply.body.id, 0);
    assert.is(typeof reply.body.output, 'boolean');
    assert.is(reply.body.result, undefined);
  });
});

test('GET /rpc/<Method> reads JSON query values', async () => {
  await withSim({ mac: MAC }, async (sim) => {
    const off = await requestJson(`${sim.url}/rpc/Switch.Set?id=0&on=false`);
    assert.is(off.status, 200);
    assert.equal(off.body, { was_on: true });
    const status = await requestJson(`${sim.url}/rpc/Switch.GetStatus?id=0`);
    assert.is(status.body.output, false);
  });
});

test('replies carry the device headers', async () => {
  await withSim({ mac: MAC }, async (sim) => {
    for (const path of ['/shelly', '/rpc/Sys.GetStatus', '/rpc/Nope.Nope']) {
      const reply = await requestJson(`${sim.url}${path}`);
      assert.is(reply.headers.get('content-type'), 'application/json', path);
      assert.is(reply.headers.get('access-control-allow-origin'), '*', path);
      assert.is(reply.headers.get('connection'), 'close', path);
    }
  });
});

test('unknown method is 404 in every form', async () => {
  await withSim({ mac: MAC }, async (sim) => {
    const frame = await postFrame(sim, 'Switch.GetNetEnergies', { id: 0 });
    assert.is(frame.status, 200);
    assert.equal(frame.body.error, {
      code: 404,
      message: 'No handler for Switch.GetNetEnergies',
    });
    const bare = await requestJson(`${sim.url}/rpc/Switch.GetNetEnergies?id=0`);
    assert.is(bare.status, 404);
    assert.equal(bare.body, {
      code: 404,
      message: 'No handler for Switch.GetNetEnergies',
    });
  });
});

test('missing and invalid args are -103 with HTTP 500', async () => {
  await withSim({ mac: MAC }, async (sim) => {
    const missing = await requestJson(`${sim.url}/rpc/Switch.GetStatus`);
    assert.is(missing.status, 500);
    assert.equal(missing.body, {
      code: -103,
      message: "Missing required 'id'",
    });
    const noOn = await postFrame(sim, 'Switch.Set', { id: 0 });
    assert.is(noOn.body.error.code, -103);
    const badOn = await requestJson(`${sim.url}/rpc/Switch.Set?id=0&on=yes`);
    assert.is(badOn.status, 500);
    assert.is(badOn.body.code, -103);
    const badTimer = await postFrame(sim, 'Switch.Set', {
      id: 0,
      on: true,
      toggle_after: -5,
    });
    assert.is(badTimer.body.error.code, -103);
    const arrayParams = await postFrame(sim, 'Switch.GetStatus', [0]);
    assert.is(arrayParams.body.error.code, -103);
  });
});

test('bad switch id is -105', async () => {
  await withSim({ mac: MAC }, async (sim) => {
    const frame = await postFrame(sim, 'Switch.GetStatus', { id: 7 });
    assert.equal(frame.body.error, { code: -105, message: 'Bad id=7' });
    const bare = await requestJson(`${sim.url}/rpc/Switch.Toggle?id=7`);
    assert.is(bare.status, 500);
    assert.equal(bare.body, { code: -105, message: 'Bad id=7' });
  });
});

test('hostile input gets errors, not crashes', async () => {
  await withSim({ mac: MAC }, async (sim) => {
    const badJson = await requestJson(`${sim.url}/rpc`, {
      method: 'POST',
      body: '{"id":1,',
    });
    assert.is(badJson.status, 400);
    assert.is(badJson.body.code, -103);
    const noMethod = await requestJson(`${sim.url}/rpc`, {
      method: 'POST',
      body: '{"id":1}',
    });
    assert.is(noMethod.status, 400);
    const huge = await requestJson(`${sim.url}/rpc/Switch.GetStatus`, {
      method: 'POST',
      body: JSON.stringify({ id: 0, pad: 'x'.repeat(20_000) }),
    });
    assert.is(huge.status, 413);
    for (const name of ['constructor', '__proto__', 'toString']) {
      const reply = await postFrame(sim, name, {});
      assert.is(reply.body.error.code, 404, name);
    }
    const getFrame = await requestJson(`${sim.url}/rpc`);
    assert.is(getFrame.status, 405);
    const unknownPath = await requestJson(`${sim.url}/settings`);
    assert.is(unknownPath.status, 404);
    const stillUp = await requestJson(`${sim.url}/shelly`);
    assert.is(stillUp.status, 200);
  });
});

// ------------------------------------------------------------------- shapes

test('/shelly matches the real device info', async () => {
  await withSim({ mac: MAC }, async (sim) => {
    const info = (await requestJson(`${sim.url}/shelly`)).body;
    assert.equal(Object.keys(info), [
      'name',
      'id',
      'mac',
      'slot',
      'model',
      'gen',
      'fw_id',
      'ver',
      'app',
      'auth_en',
      'auth_domain',
    ]);
    assert.is(info.id, DEVICE_ID);
    assert.is(info.mac, MAC);
    assert.is(info.model, 'SNPL-00112EU');
    assert.is(info.gen, 2);
    assert.is(info.app, 'PlusPlugS');
    assert.is(info.ver, '1.1.0');
    assert.is(info.fw_id, '20231219-134003/1.1.0-g34b5d4f');
    assert.is(info.auth_en, false);
    assert.is(info.auth_domain, null);
    const viaRpc = await rpcResult(sim, 'Shelly.GetDeviceInfo');
    assert.equal(viaRpc, info);
  });
});

test('Switch.GetStatus has the real fields', async () => {
  const clock = createClock();
  await withSim({ mac: MAC, now: clock.now }, async (sim) => {
    clock.advance(5 * 60_000);
    const status = await rpcResult(sim, 'Switch.GetStatus', { id: 0 });
    assert.equal(Object.keys(status), [
      'id',
      'source',
      'output',
      'apower',
      'voltage',
      'current',
      'aenergy',
      'temperature',
    ]);
    assert.is(status.source, 'init');
    assert.is(status.output, true);
    assert.equal(Object.keys(status.aenergy), [
      'total',
      'by_minute',
      'minute_ts',
    ]);
    assert.is(status.aenergy.by_minute.length, 3);
    assert.is(status.aenergy.minute_ts, START_MS / 1000 + 4 * 60);
    assert.equal(Object.keys(status.temperature), ['tC', 'tF']);
    near(status.temperature.tF, status.temperature.tC * 1.8 + 32, 0.11, 'tF');
    near(status.voltage, 230, 3, 'voltage');
    assert.ok(status.apower >= 1, `apower ${status.apower} below standby`);
    assert.ok(status.aenergy.total > 0, 'no energy after 5 min');
    assert.is(status.errors, undefined);
  });
});

test('Shelly.GetStatus keys components by id', async () => {
  await withSim({ mac: MAC }, async (sim) => {
    const status = await rpcResult(sim, 'Shelly.GetStatus');
    for (const key of ['switch:0', 'sys', 'wifi', 'cloud', 'mqtt']) {
      assert.ok(key in status, `missing ${key}`);
    }
    assert.is(status['switch:0'].id, 0);
    assert.is(status.sys.mac, MAC);
    assert.is(status.wifi.sta_ip, '127.0.0.1');
  });
});

test('Sys.GetStatus reports clock and memory', async () => {
  const clock = createClock();
  await withSim({ mac: MAC, now: clock.now }, async (sim) => {
    clock.advance(3_723_000);
    const sys = await rpcResult(sim, 'Sys.GetStatus');
    assert.is(sys.unixtime, Math.floor(clock.now() / 1000));
    assert.is(sys.time, '13:02');
    assert.is(sys.uptime, 3723);
    assert.is(typeof sys.ram_free, 'number');
    assert.is(typeof sys.fs_free, 'number');
    assert.ok(sys.ram_free < sys.ram_size, 'ram_free above ram_size');
  });
});

// ------------------------------------------------------------------- energy

test('100 W for 36 s adds 1 Wh', async () => {
  const clock = createClock();
  await withSim({ now: clock.now }, async (sim) => {
    sim.setLoad(100);
    const before = await rpcResult(sim, 'Switch.GetStatus', { id: 0 });
    assert.is(before.apower, 100);
    near(before.current, 100 / before.voltage, 0.0006, 'current');
    clock.advance(36_000);
    const after = await rpcResult(sim, 'Switch.GetStatus', { id: 0 });
    near(after.aenergy.total - before.aenergy.total, 1, 0.001, 'energy');
  });
});

test('load set over admin endpoint propagates', async () => {
  const clock = createClock();
  await withSim({ now: clock.now }, async (sim) => {
    const set = await postAdmin(sim, '/sim/load', { watts: 1234.5 });
    assert.is(set.status, 200);
    assert.is(set.body.forcedLoadW, 1234.5);
    const status = await rpcResult(sim, 'Switch.GetStatus', { id: 0 });
    assert.is(status.apower, 1234.5);
    await postAdmin(sim, '/sim/load', { watts: null });
    assert.is(sim.state().forcedLoadW, null);
    const invalid = await postAdmin(sim, '/sim/load', { watts: 'lots' });
    assert.is(invalid.status, 400);
  });
});

test('relay off draws no power or energy', async () => {
  const clock = createClock();
  await withSim({ now: clock.now }, async (sim) => {
    sim.setLoad(500);
    const set = await rpcResult(sim, 'Switch.Set', { id: 0, on: false });
    assert.equal(set, { was_on: true });
    clock.advance(10 * 60_000);
    const status = await rpcResult(sim, 'Switch.GetStatus', { id: 0 });
    assert.is(status.output, false);
    assert.is(status.source, 'HTTP_in');
    assert.is(status.apower, 0);
    assert.is(status.current, 0);
    assert.is(status.aenergy.total, 0);
    const toggled = await rpcResult(sim, 'Switch.Toggle', { id: 0 });
    assert.equal(toggled, { was_on: false });
    clock.advance(7_200);
    near(sim.state().totalWh, 1, 1e-9, 'energy after toggle on');
  });
});

test('by_minute holds completed minutes in mWh', async () => {
  const clock = createClock();
  await withSim({ now: clock.now }, async (sim) => {
    sim.setLoad(60);
    clock.advance(3 * 60_000);
    let energy = (await rpcResult(sim, 'Switch.GetStatus', { id: 0 })).aenergy;
    assert.equal(energy.by_minute, [1000, 1000, 1000]);
    assert.is(energy.minute_ts, START_MS / 1000 + 120);
    sim.setLoad(120);
    clock.advance(60_000);
    energy = (await rpcResult(sim, 'Switch.GetStatus', { id: 0 })).aenergy;
    assert.equal(energy.by_minute, [2000, 1000, 1000]);
    assert.is(energy.minute_ts, START_MS / 1000 + 180);
    near(energy.total, 5, 1e-9, 'total');
  });
});

test('Switch.ResetCounters returns and zeroes the total', async () => {
  const clock = createClock();
  await withSim({ now: clock.now }, async (sim) => {
    sim.setLoad(1000);
    clock.advance(3_600_000);
    const reset = await rpcResult(sim, 'Switch.ResetCounters', {
      id: 0,
      type: ['aenergy'],
    });
    near(reset.aenergy.total, 1000, 0.001, 'returned total');
    const status = await rpcResult(sim, 'Switch.GetStatus', { id: 0 });
    assert.is(status.aenergy.total, 0);
    assert.equal(status.aenergy.by_minute, [0, 0, 0]);
    const badType = await postFrame(sim, 'Switch.ResetCounters', {
      id: 0,
      type: ['voltage'],
    });
    assert.is(badType.body.error.code, -103);
  });
});

test('toggle_after flips the relay back', async () => {
  const clock = createClock();
  await withSim({ now: clock.now }, async (sim) => {
    sim.setLoad(100);
    await rpcResult(sim, 'Switch.Set', { id: 0, on: false, toggle_after: 30 });
    const running = await rpcResult(sim, 'Switch.GetStatus', { id: 0 });
    assert.is(running.timer_duration, 30);
    assert.is(running.timer_started_at, START_MS / 1000);
    clock.advance(66_000);
    const after = await rpcResult(sim, 'Switch.GetStatus', { id: 0 });
    assert.is(after.output, true);
    assert.is(after.source, 'timer');
    assert.is(after.timer_duration, undefined);
    near(after.aenergy.total, 1, 1e-9, 'energy only after the flip');
  });
});

test('temperature rises under load', async () => {
  const clock = createClock();
  await withSim({ now: clock.now }, async (sim) => {
    sim.setLoad(2000);
    const cold = await rpcResult(sim, 'Switch.GetStatus', { id: 0 });
    clock.advance(30 * 60_000);
    const hot = await rpcResult(sim, 'Switch.GetStatus', { id: 0 });
    assert.ok(
      hot.temperature.tC > cold.temperature.tC + 10,
      `tC ${cold.temperature.tC} -> ${hot.temperature.tC}`,
    );
    near(hot.voltage, 230, 4, 'voltage under load');
  });
});

test('load profile is deterministic and realistic', () => {
  const first = createLoadProfile(42);
  const again = createLoadProfile(42);
  const other = createLoadProfile(43);
  let differs = false;
  let min = Infinity;
  let max = 0;
  let fridgeSamples = 0;
  for (let t = 0; t < 48 * 3_600_000; t += 10_000) {
    const watts = first(t);
    assert.is(watts, again(t));
    differs ||= watts !== other(t);
    min = Math.min(min, watts);
    max = Math.max(max, watts);
    if (watts >= 80 && watts <= 125) fridgeSamples += 1;
  }
  assert.ok(differs, 'seeds 42 and 43 gave the same profile');
  assert.ok(min >= 1, `minimum ${min} W is below standby`);
  assert.ok(min <= 3, `minimum ${min} W is above standby`);
  assert.ok(max >= 1900, `maximum ${max} W is below a kettle`);
  assert.ok(max <= 2200, `maximum ${max} W is above a kettle`);
  assert.ok(fridgeSamples > 1000, `only ${fridgeSamples} fridge samples`);
});

test('same seed gives the same energy', async () => {
  const totals: number[] = [];
  for (const seed of [7, 7, 8]) {
    const clock = createClock();
    await withSim({ now: clock.now, seed }, async (sim) => {
      clock.advance(6 * 3_600_000);
      totals.push(sim.state().totalWh);
    });
  }
  assert.is(totals[0], totals[1]);
  assert.is.not(totals[0], totals[2]);
  assert.ok(totals[0] > 6 * 1, `6 h total ${totals[0]} Wh below standby`);
});

test('timeScale speeds up the profile only', async () => {
  // The same 60 min of profile, once in 1 min of clock time at scale 60.
  // Energy follows the clock, so the fast run collects 1/60 of the energy.
  const watts: number[] = [];
  const totals: number[] = [];
  const runs: Array<[number, number]> = [
    [60, 60_000],
    [1, 3_600_000],
  ];
  for (const [timeScale, elapsed] of runs) {
    const clock = createClock();
    await withSim({ now: clock.now, seed: 5, timeScale }, async (sim) => {
      clock.advance(elapsed);
      const status = await rpcResult(sim, 'Switch.GetStatus', { id: 0 });
      watts.push(status.apower);
      totals.push(sim.state().totalWh);
    });
  }
  assert.is(watts[0], watts[1]);
  assert.ok(totals[1] > 2, `1 h total ${totals[1]} Wh below standby`);
  near(totals[0] * 60, totals[1], totals[1] * 0.05, 'scaled energy');
});

// ------------------------------------------------------------------- faults

test('counterReset fault sets the total to 0', async () => {
  const clock = createClock();
  await withSim({ now: clock.now }, async (sim) => {
    sim.setLoad(100);
    clock.advance(36_000);
    const reply = await postAdmin(sim, '/sim/fault', { counterReset: true });
    assert.is(reply.status, 200);
    assert.is(reply.body.totalWh, 0);
    const status = await rpcResult(sim, 'Switch.GetStatus', { id: 0 });
    assert.is(status.aenergy.total, 0);
  });
});

test('reboot restarts uptime and keeps the total', async () => {
  const clock = createClock();
  await withSim({ now: clock.now }, async (sim) => {
    sim.setLoad(100);
    clock.advance(72_000);
    sim.setFault({ reboot: true });
    clock.advance(5_000);
    const sys = await rpcResult(sim, 'Sys.GetStatus');
    assert.is(sys.uptime, 5);
    const status = await rpcResult(sim, 'Switch.GetStatus', { id: 0 });
    assert.is(status.source, 'init');
    near(status.aenergy.total, 2 + 5 / 36, 0.001, 'total kept');
  });
});

test('resetOnReboot clears the total on reboot', async () => {
  const clock = createClock();
  await withSim({ now: clock.now, resetOnReboot: true }, async (sim) => {
    sim.setLoad(100);
    clock.advance(72_000);
    sim.reboot();
    const status = await rpcResult(sim, 'Switch.GetStatus', { id: 0 });
    assert.is(status.aenergy.total, 0);
  });
});

test('overpower trips and refuses on with -109', async () => {
  const clock = createClock();
  await withSim(
    { now: clock.now, faults: { overpower: true } },
    async (sim) => {
      sim.setLoad(100);
      const status = await rpcResult(sim, 'Switch.GetStatus', { id: 0 });
      assert.is(status.output, false);
      assert.equal(status.errors, ['overpower']);
      const frame = await postFrame(sim, 'Switch.Set', { id: 0, on: true });
      assert.is(frame.body.error.code, -109);
      const bare = await requestJson(`${sim.url}/rpc/Switch.Toggle?id=0`);
      assert.is(bare.status, 500);
      assert.is(bare.body.code, -109);
      const off = await postFrame(sim, 'Switch.Set', { id: 0, on: false });
      assert.equal(off.body.result, { was_on: false });
      sim.setFault({ overpower: false });
      const on = await rpcResult(sim, 'Switch.Set', { id: 0, on: true });
      assert.equal(on, { was_on: false });
      const cleared = await rpcResult(sim, 'Switch.GetStatus', { id: 0 });
      assert.is(cleared.errors, undefined);
      assert.is(cleared.output, true);
    },
  );
});

test('load above the power limit trips the relay', async () => {
  const clock = createClock();
  await withSim({ now: clock.now, powerLimitW: 2500 }, async (sim) => {
    sim.setLoad(3000);
    clock.advance(60_000);
    const status = await rpcResult(sim, 'Switch.GetStatus', { id: 0 });
    assert.is(status.output, false);
    assert.equal(status.errors, ['overpower']);
    assert.is(status.aenergy.total, 0);
  });
});

test('unsynced clock nulls time and drops by_minute', async () => {
  await withSim({ faults: { unsyncedClock: true } }, async (sim) => {
    const sys = await rpcResult(sim, 'Sys.GetStatus');
    assert.is(sys.unixtime, null);
    assert.is(sys.time, null);
    assert.is(typeof sys.uptime, 'number');
    const status = await rpcResult(sim, 'Switch.GetStatus', { id: 0 });
    assert.equal(Object.keys(status.aenergy), ['total']);
  });
});

test('missing-field faults drop or null readings', async () => {
  await withSim({}, async (sim) => {
    sim.setFault({ omitFields: ['voltage', 'current', 'temperature'] });
    const bare = await rpcResult(sim, 'Switch.GetStatus', { id: 0 });
    assert.is('voltage' in bare, false);
    assert.is('current' in bare, false);
    assert.is('temperature' in bare, false);
    assert.is(typeof bare.apower, 'number');
    sim.setFault({ omitFields: [], nullTemperature: true });
    const nulls = await rpcResult(sim, 'Switch.GetStatus', { id: 0 });
    assert.equal(nulls.temperature, { tC: null, tF: null });
    assert.is(typeof nulls.voltage, 'number');
  });
});

test('http429 and minIntervalMs answer 429', async () => {
  const clock = createClock();
  await withSim({ now: clock.now, faults: { http429: true } }, async (sim) => {
    const limited = await requestJson(`${sim.url}/rpc/Sys.GetStatus`);
    assert.is(limited.status, 429);
    sim.setFault({ http429: false, minIntervalMs: 1000 });
    const first = await requestJson(`${sim.url}/rpc/Sys.GetStatus`);
    assert.is(first.status, 200);
    const tooSoon = await requestJson(`${sim.url}/rpc/Sys.GetStatus`);
    assert.is(tooSoon.status, 429);
    clock.advance(1000);
    const spaced = await requestJson(`${sim.url}/rpc/Sys.GetStatus`);
    assert.is(spaced.status, 200);
  });
});

test('delayMs slows replies', async () => {
  await withSim({ faults: { delayMs: 250 } }, async (sim) => {
    const started = performance.now();
    const reply = await requestJson(`${sim.url}/shelly`);
    const elapsed = performance.now() - started;
    assert.is(reply.status, 200);
    assert.ok(elapsed >= 240, `reply came after ${elapsed} ms`);
  });
});

test('noReply leaves the client to time out', async () => {
  await withSim({}, async (sim) => {
    await postAdmin(sim, '/sim/fault', { noReply: true });
    const started = performance.now();
    const error = await fetch(`${sim.url}/rpc/Sys.GetStatus`, {
      signal: AbortSignal.timeout(200),
    }).catch((caught: unknown) => caught);
    assert.instance(error, DOMException);
    assert.is((error as DOMException).name, 'TimeoutError');
    assert.ok(performance.now() - started >= 190, 'aborted too early');
    const state = await requestJson(`${sim.url}/sim/state`);
    assert.is(state.body.faults.noReply, true);
  });
});

test('seventh concurrent request gets 503', async () => {
  await withSim({}, async (sim) => {
    sim.setFault({ noReply: true });
    const controller = new AbortController();
    const hanging = Array.from({ length: 6 }, () =>
      fetch(`${sim.url}/rpc/Sys.GetStatus`, {
        signal: controller.signal,
      }).catch(() => 'aborted'),
    );
    for (let i = 0; i < 100 && sim.state().inFlight < 6; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.is(sim.state().inFlight, 6);
    const seventh = await requestJson(`${sim.url}/shelly`);
    assert.is(seventh.status, 503);
    controller.abort();
    assert.equal(await Promise.all(hanging), Array(6).fill('aborted'));
    for (let i = 0; i < 100 && sim.state().inFlight > 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.is(sim.state().inFlight, 0);
  });
});

test('admin endpoint validates fault patches', async () => {
  await withSim({}, async (sim) => {
    const unknown = await postAdmin(sim, '/sim/fault', { meltdown: true });
    assert.is(unknown.status, 400);
    assert.match(unknown.body.message, "Unknown fault 'meltdown'");
    const badDelay = await postAdmin(sim, '/sim/fault', { delayMs: -1 });
    assert.is(badDelay.status, 400);
    const badFields = await postAdmin(sim, '/sim/fault', {
      omitFields: ['pf'],
    });
    assert.is(badFields.status, 400);
    const notJson = await requestJson(`${sim.url}/sim/fault`, {
      method: 'POST',
      body: '{',
    });
    assert.is(notJson.status, 400);
    const route = await requestJson(`${sim.url}/sim/nothing`);
    assert.is(route.status, 404);
    assert.throws(() => sim.setFault({ delayMs: Number.NaN }), /delayMs/);
    assert.is(sim.state().faults.delayMs, 0);
  });
});

test('clearFaults restores a healthy plug', async () => {
  await withSim({ faults: { http429: true, overpower: true } }, async (sim) => {
    const state = sim.clearFaults();
    assert.is(state.faults.http429, false);
    assert.is(state.faults.overpower, false);
    const reply = await requestJson(`${sim.url}/rpc/Switch.Set?id=0&on=true`);
    assert.is(reply.status, 200);
  });
});

// --------------------------------------------------------------------- auth

const PASSWORD = 'plug-secret';

test('password protects /rpc and leaves /shelly open', async () => {
  await withSim({ mac: MAC, password: PASSWORD }, async (sim) => {
    const reply = await requestJson(`${sim.url}/rpc/Switch.GetStatus?id=0`);
    assert.is(reply.status, 401);
    const header = reply.headers.get('www-authenticate') ?? '';
    assert.match(
      header,
      new RegExp(
        `^Digest qop="auth", realm="${DEVICE_ID}", nonce="[^"]+", algorithm=SHA-256$`,
      ),
    );
    const frame = await postFrame(sim, 'Switch.GetStatus', { id: 0 });
    assert.is(frame.status, 401);
    assert.is(frame.body.error.code, 401);
    assert.is(frame.body.id, 1);
    const emptyPost = await requestJson(`${sim.url}/rpc`, { method: 'POST' });
    assert.is(emptyPost.status, 401, 'empty first POST must get the challenge');
    assert.equal(emptyPost.body, { code: 401, message: 'Unauthorized' });
    const info = await requestJson(`${sim.url}/shelly`);
    assert.is(info.status, 200);
    assert.is(info.body.auth_en, true);
    assert.is(info.body.auth_domain, DEVICE_ID);
  });
});

test('digest with correct password succeeds', async () => {
  await withSim({ mac: MAC, password: PASSWORD }, async (sim) => {
    const challenge = await fetchChallenge(sim);
    const get = await digestRequest({
      sim,
      challenge,
      method: 'GET',
      uri: '/rpc/Switch.GetStatus?id=0',
      password: PASSWORD,
      nc: 1,
    });
    assert.is(get.status, 200);
    assert.is(get.body.id, 0);
    const frame = await digestRequest({
      sim,
      challenge,
      method: 'POST',
      uri: '/rpc',
      password: PASSWORD,
      nc: 2,
      body: JSON.stringify({ id: 9, src: 'test', method: 'Sys.GetStatus' }),
    });
    assert.is(frame.status, 200);
    assert.is(frame.body.id, 9);
    assert.is(typeof frame.body.result.uptime, 'number');
  });
});

test('digest with wrong password gets 401', async () => {
  await withSim({ password: PASSWORD }, async (sim) => {
    const challenge = await fetchChallenge(sim);
    const reply = await digestRequest({
      sim,
      challenge,
      method: 'GET',
      uri: '/rpc/Sys.GetStatus',
      password: 'not-the-password',
      nc: 1,
    });
    assert.is(reply.status, 401);
    const header = reply.headers.get('www-authenticate') ?? '';
    assert.not.match(header, 'stale');
  });
});

test('digest rejects reused or skipped-start nc', async () => {
  await withSim({ password: PASSWORD }, async (sim) => {
    const uri = '/rpc/Sys.GetStatus';
    const base = { sim, method: 'GET' as const, uri, password: PASSWORD };
    const fresh = await fetchChallenge(sim);
    const startAtTwo = await digestRequest({
      ...base,
      challenge: fresh,
      nc: 2,
    });
    assert.is(startAtTwo.status, 401);
    const challenge = await fetchChallenge(sim);
    assert.is((await digestRequest({ ...base, challenge, nc: 1 })).status, 200);
    assert.is((await digestRequest({ ...base, challenge, nc: 1 })).status, 401);
    assert.is((await digestRequest({ ...base, challenge, nc: 2 })).status, 200);
    assert.is((await digestRequest({ ...base, challenge, nc: 5 })).status, 200);
    assert.is((await digestRequest({ ...base, challenge, nc: 4 })).status, 401);
  });
});

test('digest on expired nonce gets stale=true', async () => {
  const clock = createClock();
  const options = { password: PASSWORD, now: clock.now, nonceTtlMs: 60_000 };
  await withSim(options, async (sim) => {
    const uri = '/rpc/Sys.GetStatus';
    const base = { sim, method: 'GET' as const, uri, password: PASSWORD };
    const challenge = await fetchChallenge(sim);
    assert.is((await digestRequest({ ...base, challenge, nc: 1 })).status, 200);
    clock.advance(61_000);
    const stale = await digestRequest({ ...base, challenge, nc: 2 });
    assert.is(stale.status, 401);
    const header = stale.headers.get('www-authenticate') ?? '';
    assert.match(header, /, stale=true$/);
    const renewed = await fetchChallenge(sim);
    assert.is.not(renewed.nonce, challenge.nonce);
    assert.is(
      (await digestRequest({ ...base, challenge: renewed, nc: 1 })).status,
      200,
    );
  });
});

test('digest response matches an independent hash', async () => {
  // Builds the header by hand with node:crypto, so a bug shared by the
  // client helper and the server check cannot hide.
  await withSim({ mac: MAC, password: PASSWORD }, async (sim) => {
    const challenge = await fetchChallenge(sim);
    const uri = '/rpc/Sys.GetStatus';
    const ha1 = sha256hex(`admin:${DEVICE_ID}:${PASSWORD}`);
    const ha2 = sha256hex(`GET:${uri}`);
    const response = sha256hex(
      `${ha1}:${challenge.nonce}:00000001:abc:auth:${ha2}`,
    );
    const header =
      `Digest username="admin", realm="${DEVICE_ID}", nonce="${challenge.nonce}", ` +
      `uri="${uri}", algorithm=SHA-256, qop=auth, nc=00000001, cnonce="abc", ` +
      `response="${response}"`;
    const reply = await requestJson(`${sim.url}${uri}`, {
      headers: { Authorization: header },
    });
    assert.is(reply.status, 200);
  });
});

test('stop closes the port', async () => {
  const sim = await startSimulator({});
  await sim.stop();
  const error = await fetch(`${sim.url}/shelly`).catch((caught) => caught);
  assert.instance(error, TypeError);
});

test.run();
