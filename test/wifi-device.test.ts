import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createActor } from 'xstate';
import {
  backoffMs,
  wifiDeviceMachine,
  type WifiDeviceDeps,
} from '../firmware/actors/wifi-device';
import { createBus } from '../firmware/bus/bus';
import { createFakeTimers } from '../firmware/drivers/fake/timers';
import {
  createEspruinoWifiRadio,
  parseChannel,
  strongestChannel,
} from '../firmware/drivers/espruino/wifi';
import {
  createCapturingLogger,
  last,
  recordEvents,
} from './support/actors-helpers';
import { FakeWifi } from './support/espruino-fakes/wifi';

const TIMING = {
  scanTimeoutMs: 15000,
  apTimeoutMs: 10000,
  joinTimeoutMs: 30000,
  backoffBaseMs: 5000,
  backoffMaxMs: 40000,
  checkMs: 10000,
};

interface StartOptions {
  apPassword?: string | null;
  stationSsid?: string | null;
  prepare?: (wifi: FakeWifi, timers: { now(): number }) => void;
}

function startWifi(o: StartOptions = {}) {
  const timers = createFakeTimers();
  const { log, records } = createCapturingLogger();
  const bus = createBus(log);
  const statuses = recordEvents(bus, 'wifi.statusChanged');

  const wifi = new FakeWifi();
  wifi.networks = [
    { ssid: 'plug', channel: '11', rssi: -80, authMode: 'open', mac: 'a' },
    { ssid: 'plug', channel: '6', rssi: -55, authMode: 'open', mac: 'b' },
    { ssid: 'neighbour', channel: '1', rssi: -30, authMode: 'wpa2', mac: 'c' },
  ];
  if (o.prepare) o.prepare(wifi, timers);

  const input: WifiDeviceDeps = {
    bus,
    log,
    timers,
    radio: createEspruinoWifiRadio(wifi),
    ap: {
      ssid: 'QT-LOGGER',
      password: o.apPassword === undefined ? 'logger-secret' : o.apPassword,
    },
    station: {
      ssid: o.stationSsid === undefined ? 'plug' : o.stationSsid,
      password: null,
    },
    ...TIMING,
  };

  const errors: unknown[] = [];
  const actor = createActor(wifiDeviceMachine, {
    input,
    clock: timers as never,
  });
  actor.subscribe({ error: (err) => errors.push(err) });
  actor.start();

  const state = () => actor.getSnapshot().value as string;
  return { timers, wifi, statuses, records, errors, actor, state, input };
}

/** Times (ms after start) of each `Wifi.connect` call. */
function connectTimes(
  wifi: FakeWifi,
  times: number[],
  timers: { now(): number },
) {
  const original = wifi.connect.bind(wifi);
  const start = timers.now();
  wifi.connect = (ssid, options, callback) => {
    times.push(timers.now() - start);
    original(ssid, options, callback);
  };
}

const Radio = suite('espruino wifi radio');

Radio('parses string channels', () => {
  assert.is(parseChannel('6'), 6);
  assert.is(parseChannel('13'), 13);
  assert.is(parseChannel(''), null);
  assert.is(parseChannel('0'), null);
  assert.is(parseChannel('abc'), null);
});

Radio('picks the strongest matching network', () => {
  const networks = [
    { ssid: 'plug', channel: '11', rssi: -80, authMode: 'open', mac: 'a' },
    { ssid: 'plug', channel: '6', rssi: -55, authMode: 'open', mac: 'b' },
    { ssid: 'other', channel: '1', rssi: -20, authMode: 'open', mac: 'c' },
  ];
  assert.is(strongestChannel(networks, 'plug'), 6);
  assert.is(strongestChannel(networks, 'missing'), null);
});

Radio('addresses skip interfaces that are down', () => {
  const wifi = new FakeWifi();
  const radio = createEspruinoWifiRadio(wifi);
  assert.equal(radio.addresses(), []);
  assert.is(radio.stationIp(), null);
  wifi.stationAddress = '192.168.33.2';
  wifi.apAddress = '192.168.4.1';
  assert.equal(radio.addresses(), ['192.168.33.2', '192.168.4.1']);
});

Radio('throwing startAP becomes an error callback', () => {
  const radio = createEspruinoWifiRadio(new FakeWifi());
  const results: (string | null)[] = [];
  radio.startAp('QT-LOGGER', 'short', 6, (error) => results.push(error));
  assert.equal(results, ['Password must be string of at least 8 characters']);
});

Radio.run();

const Wifi = suite('wifi device actor');

Wifi('starts the AP on the plug channel', async () => {
  const { timers, wifi, state, actor } = startWifi();
  await timers.settle();

  assert.is(wifi.scans, 1);
  assert.equal(wifi.startApCalls, [
    {
      ssid: 'QT-LOGGER',
      options: { password: 'logger-secret', authMode: 'wpa2', channel: 6 },
    },
  ]);
  assert.is(typeof wifi.startApCalls[0].options.channel, 'number');
  assert.is(state(), 'connected');
  actor.stop();
});

Wifi('joins and reports both addresses', async () => {
  const { timers, wifi, statuses, actor } = startWifi();
  await timers.settle();

  assert.equal(wifi.connectCalls, [{ ssid: 'plug', options: {} }]);
  assert.equal(last(statuses), {
    state: 'connected',
    ips: ['192.168.33.2', '192.168.4.1'],
    ssid: 'plug',
  });
  actor.stop();
});

Wifi('silent join failure retries with back-off', async () => {
  const times: number[] = [];
  const { timers, state, records, actor } = startWifi({
    prepare: (w, clock) => {
      w.join = 'silent';
      connectTimes(w, times, clock);
    },
  });
  await timers.settle();
  assert.is(state(), 'joining');

  await timers.advance(TIMING.joinTimeoutMs);
  assert.is(state(), 'waiting');
  // Joins after 5 s, then 10 s, 20 s and at most 40 s between attempts.
  await timers.advance(4 * TIMING.joinTimeoutMs + 5000 + 10000 + 20000 + 40000);

  const gaps = times.slice(1).map((t, i) => t - times[i]);
  assert.equal(gaps, [
    TIMING.joinTimeoutMs + 5000,
    TIMING.joinTimeoutMs + 10000,
    TIMING.joinTimeoutMs + 20000,
    TIMING.joinTimeoutMs + 40000,
  ]);
  const timeouts = records.filter((r) => r.msg === 'joining timed out');
  assert.is(timeouts.length, 5);
  assert.is(timeouts[0].level, 'warn');
  actor.stop();
});

Wifi('failed join backs off and recovers', async () => {
  const { timers, wifi, state, statuses, actor } = startWifi({
    prepare: (w) => {
      w.join = 'fail';
    },
  });
  await timers.settle();
  assert.is(state(), 'waiting');
  assert.is(last(statuses).state, 'disconnected');
  assert.equal(last(statuses).ips, ['192.168.4.1']);

  wifi.join = 'ok';
  await timers.advance(TIMING.backoffBaseMs - 1);
  assert.is(wifi.connectCalls.length, 1);
  await timers.advance(1);
  assert.is(wifi.connectCalls.length, 2);
  assert.is(state(), 'connected');
  actor.stop();
});

Wifi('drop reconnects after back-off', async () => {
  const { timers, wifi, state, records, actor } = startWifi();
  await timers.settle();
  assert.is(state(), 'connected');

  wifi.drop('BEACON_TIMEOUT');
  await timers.settle();
  assert.is(state(), 'waiting');
  const lost = records.find((r) => r.msg === 'lost the plug network');
  assert.ok(lost);
  assert.is((lost.fields as { reason: string }).reason, 'BEACON_TIMEOUT');

  await timers.advance(TIMING.backoffBaseMs);
  assert.is(state(), 'connected');
  assert.is(wifi.connectCalls.length, 2);

  // The count restarted once joined, so the next drop waits the base again.
  wifi.drop('AUTH_EXPIRE');
  await timers.advance(TIMING.backoffBaseMs);
  assert.is(wifi.connectCalls.length, 3);
  actor.stop();
});

Wifi('lost address without event is noticed', async () => {
  const { timers, wifi, state, actor } = startWifi();
  await timers.settle();

  wifi.stationAddress = '0.0.0.0';
  await timers.advance(TIMING.checkMs);

  assert.is(state(), 'waiting');
  actor.stop();
});

Wifi('address change is reported', async () => {
  const { timers, wifi, statuses, actor } = startWifi();
  await timers.settle();
  const count = statuses.length;

  wifi.stationAddress = '192.168.33.7';
  await timers.advance(TIMING.checkMs);

  assert.is(statuses.length, count + 1);
  assert.equal(last(statuses).ips, ['192.168.33.7', '192.168.4.1']);
  actor.stop();
});

Wifi('scan timeout starts AP without channel', async () => {
  const { timers, wifi, state, actor } = startWifi({
    prepare: (w) => {
      w.scanAnswers = false;
    },
  });
  await timers.settle();
  assert.is(state(), 'scanning');

  await timers.advance(TIMING.scanTimeoutMs);

  assert.equal(wifi.startApCalls[0].options, {
    password: 'logger-secret',
    authMode: 'wpa2',
  });
  assert.is(state(), 'connected');
  actor.stop();
});

Wifi('unseen plug starts AP without channel', async () => {
  const { timers, wifi, actor } = startWifi({
    prepare: (w) => {
      w.networks = [];
    },
  });
  await timers.settle();

  assert.is(wifi.startApCalls[0].options.channel, undefined);
  actor.stop();
});

Wifi('no plug SSID stays AP only', async () => {
  const { timers, wifi, state, statuses, actor } = startWifi({
    stationSsid: null,
  });
  await timers.advance(60000);

  assert.is(state(), 'apOnly');
  assert.is(wifi.scans, 0);
  assert.is(wifi.connectCalls.length, 0);
  assert.equal(last(statuses), {
    state: 'apOnly',
    ips: ['192.168.4.1'],
    ssid: null,
  });
  actor.stop();
});

Wifi('short AP password starts no AP', async () => {
  const { timers, wifi, state, records, actor } = startWifi({
    apPassword: 'short',
  });
  await timers.settle();

  assert.is(wifi.startApCalls.length, 0);
  const errors = records.filter((r) => r.level === 'error');
  assert.is(errors.length, 1);
  assert.match(errors[0].msg, 'ap.password needs 8 to 63 characters');
  assert.is(state(), 'connected');
  actor.stop();
});

Wifi('AP that never starts is retried', async () => {
  const { timers, wifi, state, actor } = startWifi({
    prepare: (w) => {
      w.apAnswers = false;
      w.join = 'fail';
    },
  });
  await timers.settle();
  assert.is(state(), 'startingAp');

  await timers.advance(TIMING.apTimeoutMs);
  assert.is(state(), 'waiting');
  assert.is(wifi.connectCalls.length, 1);

  wifi.apAnswers = true;
  await timers.advance(TIMING.backoffBaseMs);
  assert.is(wifi.startApCalls.length, 2);
  actor.stop();
});

Wifi('back-off doubles up to the cap', () => {
  const { input, actor } = startWifi();
  assert.equal(
    [1, 2, 3, 4, 5, 9].map((n) => backoffMs(input, n)),
    [5000, 10000, 20000, 40000, 40000, 40000],
  );
  actor.stop();
});

Wifi('stop removes listener and timers', async () => {
  const { timers, wifi, actor } = startWifi();
  await timers.settle();
  assert.is(wifi.count('disconnected'), 1);

  actor.stop();

  assert.is(wifi.count('disconnected'), 0);
  assert.is(timers.pendingCount(), 0);
});

Wifi.run();
