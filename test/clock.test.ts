import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { clockBridge, clockMachine } from '../firmware/actors/clock';
import { createBus } from '../firmware/bus/bus';
import { createFakeTimers } from '../firmware/drivers/fake/timers';
import { silentLogger } from '../firmware/lib/logger';
import { createTimeStamper } from '../firmware/lib/time-stamp';
import { bridgedActor, last, recordEvents } from './support/actors-helpers';

const FALLBACK_MS = Date.UTC(2026, 0, 1, 0, 0, 0);
const NTP_CHECK_MS = 10_000;
const PLUG_TOLERANCE_MS = 1500;
/** A plug clock reading in whole seconds, 2025-03-01T08:00:00Z. */
const PLUG_UNIXTIME = Date.UTC(2025, 2, 1, 8) / 1000;

function startClock(ntpSynced = false) {
  const timers = createFakeTimers();
  const bus = createBus(silentLogger);
  const statuses = recordEvents(bus, 'clock.statusChanged');
  const host = { synced: ntpSynced, isNtpSynced: () => host.synced };
  const actor = bridgedActor(clockMachine, clockBridge, {
    input: {
      bus,
      log: silentLogger,
      timers,
      host,
      ntpCheckMs: NTP_CHECK_MS,
      plugToleranceMs: PLUG_TOLERANCE_MS,
    },
    clock: timers as never,
  });
  actor.start();
  return { timers, bus, statuses, host, actor };
}

function sendPlugTime(
  bus: ReturnType<typeof createBus>,
  unixtime: number | null,
): void {
  bus.emit('shelly.timeReceived', { unixtime });
}

const Clock = suite('clock');

Clock('starts at fallback time', () => {
  const { timers, statuses, actor } = startClock();

  assert.is(actor.getSnapshot().value, 'fallback');
  assert.is(statuses.length, 1);
  assert.is(statuses[0].source, 'fallback');
  assert.is(statuses[0].trusted, false);
  assert.is(timers.now() + statuses[0].offsetMs, FALLBACK_MS);

  actor.stop();
});

Clock('fallback time keeps counting', async () => {
  const { timers, bus, actor } = startClock();
  const stamper = createTimeStamper(bus, timers);

  await timers.advance(5000);

  assert.equal(stamper.stamp(), { ts: FALLBACK_MS + 5000, source: 'fallback' });

  stamper.dispose();
  actor.stop();
});

Clock('NTP sync is picked up on the next check', async () => {
  const { timers, statuses, host, actor } = startClock();
  host.synced = true;

  await timers.advance(NTP_CHECK_MS - 1);
  assert.is(statuses.length, 1);

  await timers.advance(1);
  assert.is(actor.getSnapshot().value, 'ntp');
  assert.equal(last(statuses), { source: 'ntp', offsetMs: 0, trusted: true });

  actor.stop();
});

Clock('NTP synced at start', () => {
  const { statuses, actor } = startClock(true);

  assert.is(actor.getSnapshot().value, 'ntp');
  assert.equal(last(statuses), { source: 'ntp', offsetMs: 0, trusted: true });

  actor.stop();
});

Clock('plug time sets plug offset', async () => {
  const { timers, bus, statuses, actor } = startClock();

  sendPlugTime(bus, PLUG_UNIXTIME);
  await timers.settle();

  assert.is(actor.getSnapshot().value, 'plug');
  assert.equal(last(statuses), {
    source: 'plug',
    offsetMs: PLUG_UNIXTIME * 1000 - timers.now(),
    trusted: true,
  });

  actor.stop();
});

Clock('null and too-old plug times ignored', async () => {
  const { timers, bus, statuses, actor } = startClock();

  sendPlugTime(bus, null);
  sendPlugTime(bus, 0);
  sendPlugTime(bus, 86_400);
  // 2020-01-01T00:00:00Z is the limit, and only later times are accepted.
  sendPlugTime(bus, 1577836800);
  await timers.settle();

  assert.is(actor.getSnapshot().value, 'fallback');
  assert.is(statuses.length, 1);

  actor.stop();
});

Clock('invalid plug time keeps plug offset', async () => {
  const { timers, bus, statuses, actor } = startClock();
  sendPlugTime(bus, PLUG_UNIXTIME);
  await timers.settle();
  const offset = last(statuses).offsetMs;

  sendPlugTime(bus, null);
  await timers.settle();

  assert.is(actor.getSnapshot().value, 'plug');
  assert.is(last(statuses).offsetMs, offset);

  actor.stop();
});

Clock('browser time used without plug or NTP', async () => {
  const { timers, bus, statuses, actor } = startClock();
  const unixMs = Date.UTC(2025, 5, 1, 9, 30);

  bus.emit('clock.set', { unixMs, source: 'browser' });
  await timers.settle();

  assert.is(actor.getSnapshot().value, 'browser');
  assert.equal(last(statuses), {
    source: 'browser',
    offsetMs: unixMs - timers.now(),
    trusted: false,
  });

  actor.stop();
});

Clock('later browser time replaces earlier', async () => {
  const { timers, bus, statuses, actor } = startClock();
  bus.emit('clock.set', { unixMs: 1_000_000_000_000, source: 'browser' });
  await timers.settle();

  bus.emit('clock.set', { unixMs: 2_000_000_000_000, source: 'browser' });
  await timers.settle();

  assert.is(last(statuses).offsetMs, 2_000_000_000_000 - timers.now());

  actor.stop();
});

Clock('browser time ignored when plug set', async () => {
  const { timers, bus, statuses, actor } = startClock();
  sendPlugTime(bus, PLUG_UNIXTIME);
  await timers.settle();
  const count = statuses.length;

  bus.emit('clock.set', { unixMs: Date.UTC(2030, 0, 1), source: 'browser' });
  await timers.settle();

  assert.is(actor.getSnapshot().value, 'plug');
  assert.is(statuses.length, count);
  assert.is(last(statuses).source, 'plug');

  actor.stop();
});

Clock('browser time ignored under NTP', async () => {
  const { timers, bus, statuses, actor } = startClock(true);
  const count = statuses.length;

  bus.emit('clock.set', { unixMs: Date.UTC(2030, 0, 1), source: 'browser' });
  await timers.settle();

  assert.is(actor.getSnapshot().value, 'ntp');
  assert.is(statuses.length, count);

  actor.stop();
});

Clock('plug time replaces browser', async () => {
  const { timers, bus, actor, statuses } = startClock();
  bus.emit('clock.set', { unixMs: Date.UTC(2030, 0, 1), source: 'browser' });
  await timers.settle();

  sendPlugTime(bus, PLUG_UNIXTIME);
  await timers.settle();

  assert.is(actor.getSnapshot().value, 'plug');
  assert.is(last(statuses).offsetMs, PLUG_UNIXTIME * 1000 - timers.now());

  actor.stop();
});

Clock('NTP replaces plug', async () => {
  const { timers, bus, statuses, host, actor } = startClock();
  sendPlugTime(bus, PLUG_UNIXTIME);
  await timers.settle();

  host.synced = true;
  await timers.advance(NTP_CHECK_MS);

  assert.is(actor.getSnapshot().value, 'ntp');
  assert.equal(last(statuses), { source: 'ntp', offsetMs: 0, trusted: true });

  actor.stop();
});

Clock('NTP lost falls back to plug', async () => {
  const { timers, bus, statuses, host, actor } = startClock(true);
  // A plug time received under NTP is kept for later.
  sendPlugTime(bus, PLUG_UNIXTIME);
  await timers.settle();
  assert.is(last(statuses).source, 'ntp');
  const expectedOffset = PLUG_UNIXTIME * 1000 - timers.now();

  host.synced = false;
  await timers.advance(NTP_CHECK_MS);

  assert.is(actor.getSnapshot().value, 'plug');
  assert.equal(last(statuses), {
    source: 'plug',
    offsetMs: expectedOffset,
    trusted: true,
  });

  actor.stop();
});

Clock('NTP lost without plug falls back', async () => {
  const { timers, statuses, host, actor } = startClock(true);

  host.synced = false;
  await timers.advance(NTP_CHECK_MS);

  assert.is(actor.getSnapshot().value, 'fallback');
  const status = last(statuses);
  assert.is(status.source, 'fallback');
  assert.is(status.trusted, false);
  // The fallback time keeps counting from the start and does not reset.
  assert.is(timers.now() + status.offsetMs, FALLBACK_MS + NTP_CHECK_MS);

  actor.stop();
});

Clock('plug jitter keeps the offset', async () => {
  const { timers, bus, statuses, actor } = startClock();
  sendPlugTime(bus, PLUG_UNIXTIME);
  await timers.settle();
  const offset = last(statuses).offsetMs;

  // 1.7 s later the plug's whole-second clock reads only 1 s later.
  await timers.advance(1700);
  sendPlugTime(bus, PLUG_UNIXTIME + 1);
  await timers.settle();

  assert.is(last(statuses).offsetMs, offset);
  assert.is(last(statuses).source, 'plug');

  actor.stop();
});

Clock('plug step beyond tolerance moves offset', async () => {
  const { timers, bus, statuses, actor } = startClock();
  sendPlugTime(bus, PLUG_UNIXTIME);
  await timers.settle();

  await timers.advance(1000);
  sendPlugTime(bus, PLUG_UNIXTIME + 60);
  await timers.settle();

  assert.is(
    last(statuses).offsetMs,
    PLUG_UNIXTIME * 1000 + 60_000 - timers.now(),
  );

  actor.stop();
});

Clock('trusted only for NTP and plug', async () => {
  const { timers, bus, statuses, host, actor } = startClock();
  bus.emit('clock.set', { unixMs: Date.UTC(2030, 0, 1), source: 'browser' });
  await timers.settle();
  sendPlugTime(bus, PLUG_UNIXTIME);
  await timers.settle();
  host.synced = true;
  await timers.advance(NTP_CHECK_MS);

  const flags = statuses.map((s) => [s.source, s.trusted]);
  assert.equal(flags, [
    ['fallback', false],
    ['browser', false],
    ['plug', true],
    ['ntp', true],
  ]);

  actor.stop();
});

Clock('stop removes listeners and timer', async () => {
  const { timers, bus, statuses, host, actor } = startClock();

  actor.stop();
  host.synced = true;
  sendPlugTime(bus, PLUG_UNIXTIME);
  await timers.advance(NTP_CHECK_MS);

  assert.is(timers.pendingCount(), 0);
  assert.is(statuses.length, 1);
});

Clock.run();
