/** A log queue actor on a memory card, fake time and a real bus. */
import { createActor } from 'xstate';
import {
  logQueueBridge,
  logQueueMachine,
  type LogQueueDeps,
} from '../../firmware/actors/log-queue';
import { createBus, type Bus } from '../../firmware/bus/bus';
import type { Events, Reading } from '../../firmware/bus/events';
import {
  createMemoryFileStore,
  type MemoryFileStore,
} from '../../firmware/drivers/fake/storage';
import {
  createFakeTimers,
  type FakeTimers,
} from '../../firmware/drivers/fake/timers';
import { createWriter } from '../../firmware/lib/log-files';
import { createQueueData } from '../../firmware/lib/log-intake';
import { silentLogger } from '../../firmware/lib/logger';
import { bridgedActor } from './actors-helpers';

export interface LogRig {
  bus: Bus;
  store: MemoryFileStore;
  timers: FakeTimers;
  deps: LogQueueDeps;
  statuses: Events['log.statusChanged'][];
  actor: ReturnType<typeof createActor<typeof logQueueMachine>>;
  /** Appends that should throw before the card works again. */
  failAppends: number;
  emitReading(seq: number): void;
  state(): string;
}

export function reading(seq: number, ts: number): Reading {
  return {
    seq,
    ts,
    timeSource: 'ntp',
    output: true,
    powerW: 10 + seq,
    voltageV: 230,
    currentA: 0.05,
    freqHz: null,
    temperatureC: 30,
    plugTotalWh: 100 + seq,
    lastMinuteMWh: null,
    minuteTs: null,
    errors: [],
    totalWh: 100 + seq,
    intervalWh: seq === 1 ? null : 1,
    segment: 0,
    gapS: null,
  };
}

export function logRig(enabled = true): LogRig {
  const bus = createBus(silentLogger);
  const store = createMemoryFileStore();
  const timers = createFakeTimers();
  const append = store.append;
  const deps: LogQueueDeps = {
    bus,
    log: silentLogger,
    store,
    writer: createWriter(store, silentLogger),
    timers,
    data: createQueueData(),
    stamp: () => ({ ts: timers.now(), source: 'ntp' }),
    enabled,
    maxQueue: 100,
    flushMs: 1000,
    retryMs: 500,
    maxRetryMs: 4000,
    remountAfter: 3,
  };
  const rig: LogRig = {
    bus,
    store,
    timers,
    deps,
    statuses: [],
    failAppends: 0,
    actor: bridgedActor(logQueueMachine, logQueueBridge, {
      input: deps,
      clock: timers as never,
    }),
    emitReading: (seq) =>
      bus.emit('shelly.readingReceived', reading(seq, timers.now())),
    state: () => String(rig.actor.getSnapshot().value),
  };
  store.append = (path, text) => {
    if (rig.failAppends > 0) {
      rig.failAppends -= 1;
      throw new Error('write failed: disk I/O error');
    }
    append(path, text);
  };
  bus.on('log.statusChanged', (s) => rig.statuses.push(s));
  return rig;
}

/** Data lines of a CSV file (header dropped). */
export function csvRows(store: MemoryFileStore, path: string): string[][] {
  const text = store.read(path) || '';
  return text
    .split('\n')
    .slice(1)
    .filter((l) => l !== '')
    .map((l) => l.split(','));
}
