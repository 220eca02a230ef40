import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ledBridge, ledMachine } from '../firmware/actors/led';
import { createBus, type Bus } from '../firmware/bus/bus';
import type { LogStatus, PlugLink } from '../firmware/bus/events';
import type { LedDriver } from '../firmware/drivers/platform';
import {
  bridgedActor,
  createCapturingLogger,
  last,
  recordEvents,
} from './support/actors-helpers';

const BLUE = [0, 0, 40];
const GREEN = [0, 40, 0];
const DIM_WHITE = [8, 8, 8];
const AMBER = [40, 20, 0];
const RED = [60, 0, 0];

interface RecordingDriver extends LedDriver {
  writes: [number, number, number][];
  failure: Error | null;
}

function createDriver(): RecordingDriver {
  const driver: RecordingDriver = {
    writes: [],
    failure: null,
    set(rgb) {
      if (driver.failure) throw driver.failure;
      driver.writes.push(rgb);
    },
  };
  return driver;
}

function startLed(driver = createDriver()) {
  const { log, records } = createCapturingLogger();
  const bus = createBus(log);
  const colours = recordEvents(bus, 'led.colorChanged');
  const actor = bridgedActor(ledMachine, ledBridge, {
    input: { bus, log, driver },
  });
  actor.start();
  return { bus, colours, driver, records, actor };
}

function sendLog(bus: Bus, status: LogStatus): void {
  bus.emit('log.statusChanged', {
    status,
    queueLength: 0,
    dropped: 0,
    written: 0,
    lastError: status === 'error' ? 'EIO' : null,
    file: null,
  });
}

function sendLink(bus: Bus, link: PlugLink): void {
  bus.emit('shelly.linkChanged', {
    link,
    failures: 0,
    retryInMs: null,
    error: null,
  });
}

const Led = suite('led');

Led('starts blue', () => {
  const { colours, driver, actor } = startLed();

  assert.is(actor.getSnapshot().value, 'booting');
  assert.equal(colours, [{ rgb: BLUE, reason: 'booting' }]);
  assert.equal(driver.writes, [BLUE]);

  actor.stop();
});

Led('first log status turns green', () => {
  const { bus, colours, actor } = startLed();

  sendLog(bus, 'idle');

  assert.is(actor.getSnapshot().value, 'ok');
  assert.equal(last(colours), { rgb: GREEN, reason: 'ok' });

  actor.stop();
});

Led('first link status turns green', () => {
  const { bus, colours, actor } = startLed();

  sendLink(bus, 'online');

  assert.equal(last(colours), { rgb: GREEN, reason: 'ok' });

  actor.stop();
});

Led('log off is dim white', () => {
  const { bus, colours, actor } = startLed();

  sendLink(bus, 'online');
  sendLog(bus, 'off');

  assert.is(actor.getSnapshot().value, 'logOff');
  assert.equal(last(colours), { rgb: DIM_WHITE, reason: 'logOff' });

  actor.stop();
});

Led('plug unreachable beats log off', () => {
  const { bus, colours, actor } = startLed();

  sendLog(bus, 'off');
  sendLink(bus, 'unreachable');

  assert.is(actor.getSnapshot().value, 'plugLost');
  assert.equal(last(colours), { rgb: AMBER, reason: 'plugLost' });

  actor.stop();
});

Led('log error beats plug unreachable', () => {
  const { bus, colours, actor } = startLed();

  sendLink(bus, 'unreachable');
  sendLog(bus, 'error');

  assert.is(actor.getSnapshot().value, 'logError');
  assert.equal(last(colours), { rgb: RED, reason: 'logError' });

  actor.stop();
});

Led('colour steps back as conditions clear', () => {
  const { bus, colours, actor } = startLed();
  sendLog(bus, 'error');
  sendLink(bus, 'unreachable');

  sendLog(bus, 'off');
  assert.is(last(colours).reason, 'plugLost');

  sendLink(bus, 'online');
  assert.is(last(colours).reason, 'logOff');

  sendLog(bus, 'writing');
  assert.is(last(colours).reason, 'ok');

  actor.stop();
});

Led('repeated log statuses emit nothing', () => {
  const { bus, colours, driver, actor } = startLed();
  sendLog(bus, 'idle');
  const count = colours.length;

  for (const status of ['writing', 'ok', 'writing', 'ok', 'idle'] as const) {
    sendLog(bus, status);
  }

  assert.is(colours.length, count);
  assert.is(driver.writes.length, count);

  actor.stop();
});

Led('repeated link status emits nothing', () => {
  const { bus, colours, actor } = startLed();
  sendLink(bus, 'unreachable');
  const count = colours.length;

  sendLink(bus, 'unreachable');
  sendLink(bus, 'unreachable');

  assert.is(colours.length, count);

  actor.stop();
});

Led('link change keeping green emits nothing', () => {
  // The plug link moves between online and retrying on single failed polls,
  // and both show green.
  const { bus, colours, driver, actor } = startLed();
  sendLog(bus, 'idle');
  assert.is(colours.length, 2);

  sendLink(bus, 'online');
  sendLink(bus, 'retrying');
  sendLink(bus, 'online');

  assert.is(colours.length, 2);
  assert.is(driver.writes.length, 2);

  actor.stop();
});

Led('throwing driver is logged, colour emitted', () => {
  const driver = createDriver();
  driver.failure = new Error('LED bus stuck');
  const { bus, colours, records, actor } = startLed(driver);

  sendLog(bus, 'error');

  assert.equal(
    colours.map((c) => c.reason),
    ['booting', 'logError'],
  );
  const errors = records.filter((r) => r.level === 'error');
  assert.is(errors.length, 2);
  assert.is(errors[0].msg, 'LED write failed');
  assert.equal(errors[0].fields, { error: 'LED bus stuck' });
  assert.is(actor.getSnapshot().status, 'active');

  actor.stop();
});

Led('stop removes bus listeners', () => {
  const { bus, colours, actor } = startLed();

  actor.stop();
  sendLog(bus, 'error');

  assert.is(colours.length, 1);
});

Led.run();
