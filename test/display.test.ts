import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { displayBridge, displayMachine } from '../firmware/actors/display';
import { createBus, type Bus } from '../firmware/bus/bus';
import type { Events, Reading } from '../firmware/bus/events';
import { createFakeTimers } from '../firmware/drivers/fake/timers';
import type { DisplayDriver } from '../firmware/drivers/platform';
import { createDayEnergy, stepDayEnergy } from '../firmware/lib/day-energy';
import {
  FRAME_COLS,
  FRAME_ROWS,
  formatEnergy,
  renderFrame,
  type FrameInput,
} from '../firmware/lib/frame';
import {
  bridgedActor,
  createCapturingLogger,
  last,
  recordEvents,
} from './support/actors-helpers';

const REFRESH_MS = 500;
const RETRY_MS = 3000;
/** 2026-06-01T12:00:00Z, the fake timers' default start. */
const START_MS = Date.UTC(2026, 5, 1, 12);

function reading(overrides: Partial<Reading> = {}): Reading {
  return {
    seq: 1,
    ts: START_MS,
    timeSource: 'plug',
    output: true,
    powerW: 123.4,
    voltageV: 230.1,
    currentA: 0.54,
    freqHz: 50,
    temperatureC: 31.2,
    plugTotalWh: 1234.6,
    lastMinuteMWh: 2056,
    minuteTs: START_MS / 1000 - 60,
    errors: [],
    totalWh: 1234.6,
    intervalWh: 0.03,
    segment: 0,
    gapS: null,
    ...overrides,
  };
}

function logStatus(
  overrides: Partial<Events['log.statusChanged']> = {},
): Events['log.statusChanged'] {
  return {
    status: 'writing',
    queueLength: 3,
    dropped: 0,
    written: 120,
    lastError: null,
    file: '2026-06-01.csv',
    ...overrides,
  };
}

interface RecordingDisplay extends DisplayDriver {
  frames: string[][];
  failure: Error | null;
}

function createDisplay(): RecordingDisplay {
  const driver: RecordingDisplay = {
    frames: [],
    failure: null,
    show(lines) {
      if (driver.failure) throw driver.failure;
      driver.frames.push(lines.slice());
    },
  };
  return driver;
}

function startDisplay(day = createDayEnergy()) {
  const timers = createFakeTimers(START_MS);
  const { log, records } = createCapturingLogger();
  const bus = createBus(log);
  const frames = recordEvents(bus, 'display.frameRendered');
  const driver = createDisplay();
  const actor = bridgedActor(displayMachine, displayBridge, {
    input: {
      bus,
      log,
      timers,
      driver,
      refreshMs: REFRESH_MS,
      retryMs: RETRY_MS,
      day,
    },
    clock: timers as never,
  });
  actor.start();
  return { timers, bus, frames, driver, records, actor };
}

/** Sends the status events that fill every line of the frame. */
function sendStatus(bus: Bus): void {
  bus.emit('shelly.linkChanged', {
    link: 'online',
    failures: 0,
    retryInMs: null,
    error: null,
  });
  bus.emit('wifi.statusChanged', {
    state: 'connected',
    ips: ['192.168.1.20', 'fd00::20'],
    ssid: null,
  });
  bus.emit('clock.statusChanged', {
    source: 'plug',
    offsetMs: 0,
    trusted: true,
  });
  bus.emit('log.statusChanged', logStatus());
}

const Display = suite('display');

Display('draws a frame at start', () => {
  const { frames, driver, actor } = startDisplay();

  assert.is(frames.length, 1);
  assert.is(frames[0].width, 128);
  assert.is(frames[0].height, 64);
  assert.equal(driver.frames, [frames[0].lines]);
  assert.is(frames[0].lines[0], '-- W' + ' '.repeat(16) + '?');
  assert.is(frames[0].lines[4], 'no network');

  actor.stop();
});

Display('frame lines after a reading', async () => {
  const { timers, bus, frames, actor } = startDisplay();
  sendStatus(bus);
  bus.emit('shelly.readingReceived', reading());

  await timers.advance(REFRESH_MS);

  assert.equal(last(frames).lines, [
    '123.4 W            ON',
    'Tot 1.235 kWh',
    'Day 0.0 Wh',
    'Plug online',
    '192.168.1.20',
    'fd00::20',
    '12:00:00         plug',
    'SD writing q3 d0',
  ]);

  actor.stop();
});

Display('small totals in Wh, relay off', async () => {
  const { timers, bus, frames, actor } = startDisplay();
  bus.emit(
    'shelly.readingReceived',
    reading({ output: false, powerW: 0, totalWh: 42.25 }),
  );

  await timers.advance(REFRESH_MS);

  const lines = last(frames).lines;
  assert.is(lines[0], '0.0 W' + ' '.repeat(13) + 'OFF');
  assert.is(lines[1], 'Tot 42.3 Wh');

  actor.stop();
});

Display('redraw throttled to refreshMs', async () => {
  const { timers, bus, frames, actor } = startDisplay();

  bus.emit('shelly.readingReceived', reading({ powerW: 1 }));
  await timers.advance(100);
  bus.emit('shelly.readingReceived', reading({ powerW: 2 }));
  bus.emit('shelly.readingReceived', reading({ powerW: 3 }));
  await timers.advance(REFRESH_MS - 101);
  assert.is(frames.length, 1);

  await timers.advance(1);
  assert.is(frames.length, 2);
  assert.match(last(frames).lines[0], /^3\.0 W/);

  await timers.advance(REFRESH_MS * 4);
  assert.is(frames.length, 2);

  actor.stop();
});

Display('unchanged lines are not redrawn', async () => {
  const { timers, bus, frames, driver, actor } = startDisplay();
  bus.emit('shelly.readingReceived', reading());
  await timers.advance(REFRESH_MS);
  const count = frames.length;

  // Same values with a new sequence number render the same lines.
  bus.emit('shelly.readingReceived', reading({ seq: 2, voltageV: 229 }));
  await timers.advance(REFRESH_MS);

  assert.is(frames.length, count);
  assert.is(driver.frames.length, count);

  actor.stop();
});

Display('throwing driver fails, then retries', async () => {
  const { timers, bus, frames, driver, records, actor } = startDisplay();
  driver.failure = new Error('I2C NACK');
  bus.emit('shelly.readingReceived', reading());
  await timers.advance(REFRESH_MS);

  assert.is(actor.getSnapshot().value, 'failed');
  assert.is(frames.length, 1);
  const errors = records.filter((r) => r.level === 'error');
  assert.is(errors.length, 1);
  assert.is(errors[0].msg, 'display failed');
  assert.equal(errors[0].fields, { error: 'I2C NACK' });

  driver.failure = null;
  await timers.advance(RETRY_MS - 1);
  assert.is(actor.getSnapshot().value, 'failed');

  await timers.advance(1);
  assert.is(actor.getSnapshot().value, 'active');
  assert.is(frames.length, 2);

  actor.stop();
});

Display('driver failing at start', async () => {
  const timers = createFakeTimers(START_MS);
  const bus = createBus(createCapturingLogger().log);
  const driver = createDisplay();
  driver.failure = new Error('no panel');
  const actor = bridgedActor(displayMachine, displayBridge, {
    input: {
      bus,
      log: createCapturingLogger().log,
      timers,
      driver,
      refreshMs: REFRESH_MS,
      retryMs: RETRY_MS,
    },
    clock: timers as never,
  });

  actor.start();
  await timers.settle();

  assert.is(actor.getSnapshot().value, 'failed');

  actor.stop();
});

Display('values survive a driver retry', async () => {
  const { timers, bus, frames, driver, actor } = startDisplay();
  sendStatus(bus);
  bus.emit('shelly.readingReceived', reading());
  await timers.advance(REFRESH_MS);
  const before = last(frames).lines;

  driver.failure = new Error('I2C NACK');
  bus.emit('shelly.readingReceived', reading({ seq: 2, powerW: 99 }));
  await timers.advance(REFRESH_MS);
  driver.failure = null;
  await timers.advance(RETRY_MS);

  // Wi-Fi, clock and log status arrive only when they change, so the frame
  // drawn after the retry must still show them.
  const after = last(frames).lines;
  assert.is(after[4], before[4]);
  assert.is(after[6].slice(-4), 'plug');
  assert.is(after[7], before[7]);
  assert.is(after[0], '99.0 W             ON');

  actor.stop();
});

Display('day energy survives a driver retry', async () => {
  const timers = createFakeTimers(START_MS);
  const bus = createBus(createCapturingLogger().log);
  const frames = recordEvents(bus, 'display.frameRendered');
  const driver = createDisplay();
  const actor = bridgedActor(displayMachine, displayBridge, {
    input: {
      bus,
      log: createCapturingLogger().log,
      timers,
      driver,
      refreshMs: REFRESH_MS,
      retryMs: RETRY_MS,
    },
    clock: timers as never,
  });
  actor.start();
  bus.emit('shelly.readingReceived', reading({ totalWh: 100 }));
  bus.emit(
    'shelly.readingReceived',
    reading({ ts: START_MS + 1000, totalWh: 110 }),
  );
  await timers.advance(REFRESH_MS);
  assert.is(last(frames).lines[2], 'Day 10.0 Wh');

  driver.failure = new Error('I2C NACK');
  bus.emit(
    'shelly.readingReceived',
    reading({ ts: START_MS + 2000, totalWh: 115 }),
  );
  await timers.advance(REFRESH_MS);
  driver.failure = null;
  await timers.advance(RETRY_MS);
  bus.emit(
    'shelly.readingReceived',
    reading({ ts: START_MS + 5000, totalWh: 120 }),
  );
  await timers.advance(REFRESH_MS);

  assert.is(last(frames).lines[2], 'Day 20.0 Wh');

  actor.stop();
});

Display('day energy resets at UTC midnight', async () => {
  const { timers, bus, frames, actor } = startDisplay();
  const dayLine = async (ts: number, totalWh: number) => {
    bus.emit('shelly.readingReceived', reading({ ts, totalWh }));
    await timers.advance(REFRESH_MS);
    return last(frames).lines[2];
  };
  const midnight = Date.UTC(2026, 5, 2);

  assert.is(await dayLine(midnight - 60_000, 100), 'Day 0.0 Wh');
  assert.is(await dayLine(midnight - 1, 110.5), 'Day 10.5 Wh');
  assert.is(await dayLine(midnight, 111), 'Day 0.0 Wh');
  assert.is(await dayLine(midnight + 60_000, 125), 'Day 14.0 Wh');

  actor.stop();
});

Display('injected day start is used', async () => {
  const day = createDayEnergy('2026-06-01', 1000);
  const { timers, bus, frames, actor } = startDisplay(day);

  bus.emit('shelly.readingReceived', reading({ totalWh: 1234.5 }));
  await timers.advance(REFRESH_MS);

  assert.is(last(frames).lines[2], 'Day 234.5 Wh');

  actor.stop();
});

Display('stop clears the redraw timer', async () => {
  const { timers, bus, frames, actor } = startDisplay();
  bus.emit('shelly.readingReceived', reading());

  actor.stop();
  await timers.advance(REFRESH_MS);

  assert.is(timers.pendingCount(), 0);
  assert.is(frames.length, 1);
});

const DayEnergy = suite('stepDayEnergy');

DayEnergy('steps through days', () => {
  const state = createDayEnergy();
  const day1 = Date.UTC(2026, 0, 10, 12);
  const day2 = Date.UTC(2026, 0, 11, 0, 0, 5);
  const steps: [number, number | null, number | null][] = [
    [day1, 50, 0],
    [day1 + 1000, 50.25, 0.25],
    [day1 + 2000, null, null],
    [day1 + 3000, 51, 1],
    [day2, null, null],
    [day2 + 1000, 60, 0],
    [day2 + 2000, 61.5, 1.5],
  ];
  for (const [ts, total, expected] of steps) {
    assert.is(
      stepDayEnergy(state, ts, total),
      expected,
      new Date(ts).toISOString(),
    );
  }
  assert.is(state.day, '2026-01-11');
  assert.is(state.startWh, 60);
});

DayEnergy('result is rounded to mWh', () => {
  const state = createDayEnergy('2026-01-10', 0.1);

  assert.is(stepDayEnergy(state, Date.UTC(2026, 0, 10), 0.3), 0.2);
});

const Frame = suite('renderFrame');

function frameInput(overrides: Partial<FrameInput> = {}): FrameInput {
  return {
    reading: null,
    link: 'connecting',
    todayWh: null,
    ips: [],
    clock: null,
    nowMs: START_MS,
    log: null,
    ...overrides,
  };
}

Frame('empty input', () => {
  assert.equal(renderFrame(frameInput()), [
    '-- W                ?',
    'Tot --',
    'Day --',
    'Plug connecting',
    'no network',
    '',
    ' '.repeat(13) + 'no clock',
    'SD --',
  ]);
});

Frame('reading with nulls', () => {
  const lines = renderFrame(
    frameInput({
      reading: reading({ output: null, powerW: null, totalWh: null }),
    }),
  );

  assert.is(lines[0], '-- W                ?');
  assert.is(lines[1], 'Tot --');
});

Frame('clock line applies the offset', () => {
  const lines = renderFrame(
    frameInput({
      nowMs: START_MS,
      clock: { source: 'browser', offsetMs: 3_723_000, trusted: false },
    }),
  );

  assert.is(lines[6], '13:02:03      browser');
});

Frame('lines fit the panel in every scenario', () => {
  const scenarios: FrameInput[] = [
    frameInput(),
    frameInput({
      reading: reading({ powerW: 123456.789, totalWh: 98765432.1 }),
      link: 'unreachable',
      todayWh: 123456.7,
      ips: ['2001:db8:1234:5678:9abc:def0:1234:5678', '10.200.200.200'],
      clock: { source: 'fallback', offsetMs: 0, trusted: false },
      log: logStatus({ status: 'error', queueLength: 123456, dropped: 987654 }),
    }),
    frameInput({
      reading: reading({ powerW: -5.5, output: false, totalWh: -1 }),
      link: 'retrying',
      todayWh: 0,
      ips: ['192.168.100.200'],
    }),
  ];
  for (const input of scenarios) {
    const lines = renderFrame(input);
    assert.ok(lines.length <= FRAME_ROWS, 'rows: ' + lines.length);
    for (const line of lines) {
      assert.ok(line.length <= FRAME_COLS, 'too wide: ' + JSON.stringify(line));
    }
  }
});

Frame('long power keeps the relay state', () => {
  const lines = renderFrame(
    frameInput({ reading: reading({ powerW: 3500.25, output: false }) }),
  );

  assert.is(lines[0], '3500.3 W' + ' '.repeat(10) + 'OFF');
});

const Energy = suite('formatEnergy');

Energy('table', () => {
  const cases: [number | null, string][] = [
    [null, '--'],
    [0, '0.0 Wh'],
    [0.04, '0.0 Wh'],
    [12.34, '12.3 Wh'],
    [999.9, '999.9 Wh'],
    [1000, '1.000 kWh'],
    [1234.6, '1.235 kWh'],
    [98765.4, '98.765 kWh'],
    [-1500, '-1.500 kWh'],
    [-12.5, '-12.5 Wh'],
  ];
  for (const [wh, expected] of cases) {
    assert.is(formatEnergy(wh), expected, String(wh));
  }
});

Energy('rounding up crosses into kWh', () => {
  // 999.96 Wh rounds to 1000.0 at one decimal, which is 1.000 kWh.
  assert.is(formatEnergy(999.96), '1.000 kWh');
});

Display.run();
DayEnergy.run();
Frame.run();
Energy.run();
