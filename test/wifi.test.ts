import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createActor } from 'xstate';
import { wifiMachine } from '../firmware/actors/wifi';
import { createBus } from '../firmware/bus/bus';
import { createFakeTimers } from '../firmware/drivers/fake/timers';
import {
  createCapturingLogger,
  createFakeNetwork,
  last,
  recordEvents,
} from './support/actors-helpers';

const REFRESH_MS = 5000;

function startWifi(ips: string[] = []) {
  const timers = createFakeTimers();
  const { log, records } = createCapturingLogger();
  const bus = createBus(log);
  const statuses = recordEvents(bus, 'wifi.statusChanged');
  const network = createFakeNetwork(ips);
  const errors: unknown[] = [];
  const actor = createActor(wifiMachine, {
    input: { bus, log, timers, network, refreshMs: REFRESH_MS },
    clock: timers as never,
  });
  actor.subscribe({ error: (err) => errors.push(err) });
  actor.start();
  return { timers, statuses, network, records, errors, actor };
}

const Wifi = suite('wifi');

Wifi('starts disconnected without addresses', async () => {
  const { timers, statuses, actor } = startWifi();
  await timers.settle();

  assert.is(actor.getSnapshot().value, 'disconnected');
  assert.equal(statuses, [{ state: 'disconnected', ips: [], ssid: null }]);

  actor.stop();
});

Wifi('throwing addresses at start is disconnected', async () => {
  const timers = createFakeTimers();
  const { log, records } = createCapturingLogger();
  const bus = createBus(log);
  const statuses = recordEvents(bus, 'wifi.statusChanged');
  const network = createFakeNetwork();
  network.failure = new Error('netlink closed');
  const actor = createActor(wifiMachine, {
    input: { bus, log, timers, network, refreshMs: REFRESH_MS },
    clock: timers as never,
  });

  actor.start();
  await timers.settle();

  assert.is(records.filter((r) => r.level === 'error').length, 1);
  assert.is(actor.getSnapshot().value, 'disconnected');
  assert.equal(statuses, [{ state: 'disconnected', ips: [], ssid: null }]);

  actor.stop();
});

Wifi('starts connected with an address', async () => {
  const { timers, statuses, actor } = startWifi(['192.168.1.20']);
  await timers.settle();

  assert.is(actor.getSnapshot().value, 'connected');
  assert.equal(last(statuses), {
    state: 'connected',
    ips: ['192.168.1.20'],
    ssid: null,
  });

  actor.stop();
});

Wifi('start reports no false disconnect', async () => {
  const { timers, statuses, actor } = startWifi(['192.168.1.20']);
  await timers.settle();

  assert.equal(
    statuses.map((s) => s.state),
    ['connected'],
  );

  actor.stop();
});

Wifi('connects on the next check', async () => {
  const { timers, statuses, network, actor } = startWifi();
  await timers.settle();
  const count = statuses.length;
  network.ips = ['10.0.0.5', 'fd00::5'];
  network.ssidValue = 'home';

  await timers.advance(REFRESH_MS - 1);
  assert.is(statuses.length, count);

  await timers.advance(1);
  assert.is(statuses.length, count + 1);
  assert.is(actor.getSnapshot().value, 'connected');
  assert.equal(last(statuses), {
    state: 'connected',
    ips: ['10.0.0.5', 'fd00::5'],
    ssid: 'home',
  });

  actor.stop();
});

Wifi('disconnects when addresses go', async () => {
  const { timers, statuses, network, actor } = startWifi(['10.0.0.5']);
  await timers.settle();

  network.ips = [];
  await timers.advance(REFRESH_MS);

  assert.is(actor.getSnapshot().value, 'disconnected');
  assert.equal(last(statuses), { state: 'disconnected', ips: [], ssid: null });

  actor.stop();
});

Wifi('address change re-emits', async () => {
  const { timers, statuses, network, actor } = startWifi(['10.0.0.5']);
  await timers.settle();
  const count = statuses.length;

  network.ips = ['10.0.0.6'];
  await timers.advance(REFRESH_MS);

  assert.is(statuses.length, count + 1);
  assert.equal(last(statuses), {
    state: 'connected',
    ips: ['10.0.0.6'],
    ssid: null,
  });

  actor.stop();
});

Wifi('unchanged addresses emit nothing', async () => {
  const { timers, statuses, actor } = startWifi(['10.0.0.5']);
  await timers.settle();
  const count = statuses.length;

  await timers.advance(REFRESH_MS * 5);

  assert.is(statuses.length, count);

  actor.stop();
});

Wifi('throwing addresses is logged, disconnected', async () => {
  const { timers, statuses, network, records, actor } = startWifi(['10.0.0.5']);
  await timers.settle();

  network.failure = new Error('netlink closed');
  await timers.advance(REFRESH_MS);

  assert.is(actor.getSnapshot().value, 'disconnected');
  assert.equal(last(statuses), { state: 'disconnected', ips: [], ssid: null });
  const errors = records.filter((r) => r.level === 'error');
  assert.is(errors.length, 1);
  assert.is(errors[0].msg, 'reading addresses failed');
  assert.equal(errors[0].fields, { error: 'netlink closed' });

  network.failure = null;
  await timers.advance(REFRESH_MS);
  assert.is(actor.getSnapshot().value, 'connected');

  actor.stop();
});

Wifi('throwing ssid is reported as disconnected', async () => {
  // A driver whose radio is gone fails on every call, ssid() included.
  const { timers, statuses, network, errors, actor } = startWifi(['10.0.0.5']);
  await timers.settle();

  network.failure = new Error('radio off');
  network.ssidFailure = new Error('radio off');
  await timers.advance(REFRESH_MS);

  const messages = errors.map((err) => (err as Error).message);
  assert.equal(messages, []);
  assert.is(actor.getSnapshot().status, 'active');
  assert.is(last(statuses).state, 'disconnected');

  actor.stop();
});

Wifi('stop clears the check timer', async () => {
  const { timers, statuses, network, actor } = startWifi();
  await timers.settle();
  const count = statuses.length;

  actor.stop();
  network.ips = ['10.0.0.5'];
  await timers.advance(REFRESH_MS * 2);

  assert.is(timers.pendingCount(), 0);
  assert.is(statuses.length, count);
});

Wifi.run();
