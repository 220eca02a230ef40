import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createActor } from 'xstate';
import {
  shellyBridge,
  shellyMachine,
  type ShellyDeps,
} from '../firmware/actors/shelly';
import { createBus } from '../firmware/bus/bus';
import type { Events } from '../firmware/bus/events';
import {
  createFakeTimers,
  type FakeTimers,
} from '../firmware/drivers/fake/timers';
import { silentLogger } from '../firmware/lib/logger';
import { ShellyError } from '../firmware/lib/shelly-client';
import { createMeterState } from '../firmware/lib/meter';
import { createPollSession } from '../firmware/lib/poll-session';
import {
  createFakeShellyClient,
  failure,
  type FakeShellyClient,
} from './support/fake-shelly-client';
import { bridgedActor } from './support/actors-helpers';

interface Rig {
  timers: FakeTimers;
  client: FakeShellyClient;
  deps: ShellyDeps;
  readings: Events['shelly.readingReceived'][];
  links: Events['shelly.linkChanged'][];
  events: string[];
  actor: ReturnType<typeof createActor<typeof shellyMachine>>;
}

function rig(): Rig {
  const timers = createFakeTimers();
  const client = createFakeShellyClient();
  const bus = createBus(silentLogger);
  const deps: ShellyDeps = {
    bus,
    log: silentLogger,
    client,
    timers,
    session: createPollSession(createMeterState()),
    stamp: () => ({ ts: timers.now(), source: 'ntp' }),
    pollIntervalMs: 1000,
    timeSyncMs: 60000,
    backoffBaseMs: 1000,
    backoffMaxMs: 30000,
    unreachableAfter: 3,
  };
  const r: Rig = {
    timers,
    client,
    deps,
    readings: [],
    links: [],
    events: [],
    actor: bridgedActor(shellyMachine, shellyBridge, {
      input: deps,
      clock: timers as never,
    }),
  };
  bus.on('shelly.readingReceived', (x) => r.readings.push(x));
  bus.on('shelly.linkChanged', (x) => r.links.push(x));
  bus.onAny((type) => r.events.push(type));
  return r;
}

function state(r: Rig): string {
  return String(r.actor.getSnapshot().value);
}

test('shelly polls once per interval when online', async () => {
  const r = rig();
  r.actor.start();
  await r.timers.advance(0);
  assert.is(state(r), 'online');
  await r.timers.advance(10000);
  assert.ok(
    r.readings.length >= 10 && r.readings.length <= 11,
    'readings: ' + r.readings.length,
  );
  assert.is(r.client.maxInFlight, 1);
  assert.is(r.links.map((l) => l.link).join(','), 'connecting,online');
  r.actor.stop();
});

test('shelly readings need no machine transitions', async () => {
  const r = rig();
  r.actor.start();
  await r.timers.advance(0);
  let transitions = 0;
  r.actor.subscribe(() => transitions++);
  await r.timers.advance(20000);
  assert.ok(r.readings.length >= 20);
  assert.is(transitions, 0);
  r.actor.stop();
});

test('shelly backs off and marks unreachable', async () => {
  const r = rig();
  r.actor.start();
  await r.timers.advance(2000);
  r.client.defaults['Switch.GetStatus'] = failure('timeout');
  await r.timers.advance(1000);
  assert.is(state(r), 'waiting');
  const retrying = r.links[r.links.length - 1];
  assert.is(retrying.link, 'retrying');
  assert.is(retrying.retryInMs, 1000);
  await r.timers.advance(1000 + 2000 + 10);
  const last = r.links[r.links.length - 1];
  assert.is(last.link, 'unreachable');
  assert.is(last.failures, 3);
  assert.is(last.retryInMs, 4000);
  assert.is(last.error?.code, 'timeout');
  r.actor.stop();
});

test('shelly back-off is capped', async () => {
  const r = rig();
  r.client.defaults['Switch.GetStatus'] = failure('network');
  r.actor.start();
  await r.timers.advance(200000);
  const delays = r.links
    .map((l) => l.retryInMs)
    .filter((d) => d !== null) as number[];
  assert.ok(delays.length >= 6);
  assert.is(Math.max(...delays), 30000);
  for (let i = 1; i < delays.length; i++) assert.ok(delays[i] >= delays[i - 1]);
  r.actor.stop();
});

test('shelly recovers and marks the gap', async () => {
  const r = rig();
  r.actor.start();
  await r.timers.advance(3000);
  r.client.defaults['Switch.GetStatus'] = failure('network');
  await r.timers.advance(10000);
  delete r.client.defaults['Switch.GetStatus'];
  await r.timers.advance(10000);
  assert.is(state(r), 'online');
  const gapReadings = r.readings.filter((x) => x.gapS !== null);
  assert.is(gapReadings.length, 1);
  assert.ok((gapReadings[0].gapS as number) > 5);
  assert.ok(
    gapReadings[0].intervalWh !== null && gapReadings[0].intervalWh >= 0,
  );
  r.actor.stop();
});

test('shelly waits longer after HTTP 429', async () => {
  const r = rig();
  r.deps.pollIntervalMs = 5000;
  r.actor.start();
  await r.timers.advance(0);
  r.client.script['Switch.GetStatus'] = [failure('http429')];
  await r.timers.advance(5000);
  const last = r.links[r.links.length - 1];
  assert.is(last.error?.code, 'http429');
  assert.is(last.retryInMs, 10000);
  r.actor.stop();
});

test('shelly auth failure waits the maximum', async () => {
  const r = rig();
  r.client.script['Switch.GetStatus'] = [failure('auth')];
  r.actor.start();
  await r.timers.advance(0);
  const last = r.links[r.links.length - 1];
  assert.is(last.error?.code, 'auth');
  assert.is(last.retryInMs, 30000);
  r.actor.stop();
});

test('shelly identify failure retries', async () => {
  const r = rig();
  r.client.script['GET /shelly'] = [failure('timeout')];
  r.actor.start();
  await r.timers.advance(0);
  assert.is(state(r), 'waiting');
  await r.timers.advance(1000);
  assert.is(state(r), 'online');
  r.actor.stop();
});

test('shelly switches the relay between polls', async () => {
  const r = rig();
  const set: Events['shelly.outputSet'][] = [];
  r.deps.bus.on('shelly.outputSet', (x) => set.push(x));
  r.actor.start();
  await r.timers.advance(1500);
  r.deps.bus.emit('shelly.setOutput', { on: false });
  await r.timers.advance(0);
  assert.equal(set, [{ on: false, wasOn: false }]);
  const setCall = r.client.calls.find((c) => c.method === 'Switch.Set');
  assert.equal(setCall?.params, { id: 0, on: false });
  assert.is(r.client.maxInFlight, 1);
  r.actor.stop();
});

test('shelly rejects relay command when unreachable', async () => {
  const r = rig();
  const failed: Events['shelly.commandFailed'][] = [];
  r.deps.bus.on('shelly.commandFailed', (x) => failed.push(x));
  r.client.defaults['Switch.GetStatus'] = failure('timeout');
  r.actor.start();
  await r.timers.advance(100);
  r.deps.bus.emit('shelly.setOutput', { on: true });
  assert.is(failed.length, 1);
  assert.is(failed[0].code, 'unreachable');
  assert.ok(!r.client.calls.some((c) => c.method === 'Switch.Set'));
  r.actor.stop();
});

test('shelly reports a failed relay command', async () => {
  const r = rig();
  const failed: Events['shelly.commandFailed'][] = [];
  r.deps.bus.on('shelly.commandFailed', (x) => failed.push(x));
  r.client.script['Switch.Set'] = [failure('rpc')];
  r.actor.start();
  await r.timers.advance(500);
  r.deps.bus.emit('shelly.setOutput', { on: true });
  await r.timers.advance(0);
  assert.is(failed.length, 1);
  assert.is(failed[0].code, 'rpc');
  r.actor.stop();
});

test('shelly reads the plug clock every timeSyncMs', async () => {
  const r = rig();
  const times: number[] = [];
  r.deps.bus.on('shelly.timeReceived', (x) => times.push(x.unixtime as number));
  r.actor.start();
  await r.timers.advance(125000);
  assert.is(times.length, 3);
  r.actor.stop();
});

test('shelly malformed reply is a failed poll', async () => {
  const r = rig();
  r.actor.start();
  await r.timers.advance(0);
  r.client.script['Switch.GetStatus'] = [{ result: { apower: 'lots' } }];
  await r.timers.advance(1000);
  const last = r.links[r.links.length - 1];
  assert.is(last.link, 'retrying');
  assert.is(last.error?.code, 'malformed');
  assert.ok(last.error?.message.includes('apower'));
  await r.timers.advance(1000);
  assert.is(state(r), 'online');
  r.actor.stop();
});

test('shelly stop cancels the poller', async () => {
  const r = rig();
  r.actor.start();
  await r.timers.advance(2000);
  r.actor.stop();
  const count = r.client.calls.length;
  await r.timers.advance(10000);
  assert.is(r.client.calls.length, count);
});

test('shelly reports a command lost to a failed poll', async () => {
  const r = rig();
  const failed: Events['shelly.commandFailed'][] = [];
  r.deps.bus.on('shelly.commandFailed', (x) => failed.push(x));
  r.actor.start();
  await r.timers.advance(1000);
  const call = r.client.call;
  r.client.call = async (method, params) => {
    if (method === 'Switch.GetStatus') {
      r.deps.bus.emit('shelly.setOutput', { on: false });
      throw new ShellyError('timeout', 'scripted timeout');
    }
    return call(method, params);
  };
  await r.timers.advance(1000);
  assert.is(failed.length, 1);
  assert.is(failed[0].code, 'unreachable');
  assert.ok(!r.client.calls.some((c) => c.method === 'Switch.Set'));
  r.actor.stop();
});

test.run();
