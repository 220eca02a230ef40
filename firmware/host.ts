/**
 * The host runtime: every actor of the logger wired to the Node.js drivers.
 * With no plug address configured, it starts the built-in plug simulator
 * on loopback and logs that instead.
 */
import path from 'node:path';
import { clockMachine } from './actors/clock';
import { displayMachine } from './actors/display';
import { ledMachine } from './actors/led';
import { logQueueMachine } from './actors/log-queue';
import { serverMachine } from './actors/server';
import { shellyMachine } from './actors/shelly';
import { wifiMachine } from './actors/wifi';
import { createBus, type Bus } from './bus/bus';
import { plugBaseUrl, type Config } from './config';
import { createNodeHttpClient } from './drivers/node/http-client';
import { createNodeHttpServer } from './drivers/node/http-server';
import {
  createHostClock,
  createMemoryDisplay,
  createMemoryLed,
  createNodeNetwork,
  nodeTimers,
  sha256hex,
} from './drivers/node/platform';
import { createNodeFileStore } from './drivers/node/storage';
import type { FileStore } from './drivers/storage';
import { createApiHandler } from './lib/api';
import { createDayEnergy } from './lib/day-energy';
import { createWriter, readFirstRow, readLastRow } from './lib/log-files';
import { createQueueData } from './lib/log-intake';
import type { Logger } from './lib/logger';
import { createMeterState, restoreMeterState, type MeterState } from './lib/meter';
import { createPollSession } from './lib/poll-session';
import { runMachine, type RunningActor } from './lib/run-actor';
import { createShellyClient } from './lib/shelly-client';
import { createSseHub } from './lib/sse';
import { createStatusStore } from './lib/status-store';
import { createTimeStamper } from './lib/time-stamp';
import { createStaticReader } from './drivers/node/static-files';
import { startSimulator, type Simulator } from '../sim';

export interface HostOptions {
  config: Config;
  log: Logger;
  /** Folder of the web app; default `pwa/` beside this project. */
  webRoot?: string;
}

export interface Host {
  bus: Bus;
  urls: string[];
  plugUrl: string;
  simulator: Simulator | null;
  stop(): Promise<void>;
}

interface Restored {
  meter: MeterState;
  /** The total at the first row of the last logged day. */
  dayStart: { day: string; startWh: number } | undefined;
}

/** Continue the reset-safe total and today's energy from the log, if any. */
function restoreFromLog(store: FileStore, log: Logger): Restored {
  try {
    store.mount();
    const row = readLastRow(store);
    if (row && row.total_Wh !== null && row.plug_total_Wh !== null) {
      const day = row.ts.slice(0, 10);
      const first = readFirstRow(store, day);
      const startWh = first && first.total_Wh !== null ? first.total_Wh : row.total_Wh;
      log.info('energy total restored from log', {
        totalWh: row.total_Wh,
        plugTotalWh: row.plug_total_Wh,
        dayStartWh: startWh,
        at: row.ts,
      });
      return {
        meter: restoreMeterState(row.total_Wh, row.plug_total_Wh, row.segment || 0),
        dayStart: { day, startWh },
      };
    }
  } catch (err) {
    log.warn('could not read the log to restore the total', { error: (err as Error).message });
  }
  return { meter: createMeterState(), dayStart: undefined };
}

async function startPlugTarget(config: Config, log: Logger): Promise<{ url: string; sim: Simulator | null }> {
  if (config.plug.address) return { url: plugBaseUrl(config.plug.address), sim: null };
  const sim = await startSimulator({
    host: '127.0.0.1',
    port: config.simulator.port,
    password: config.plug.password || undefined,
    log: (message) => log.child('sim').warn(message),
  });
  log.info('plug simulator started', { url: sim.url, deviceId: sim.deviceId });
  return { url: sim.url, sim };
}

/** Ask the log queue to write what it holds; gives up after `timeoutMs`. */
function flushLog(bus: Bus, timeoutMs = 2000): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, timeoutMs);
    function done(): void {
      clearTimeout(timer);
      bus.off('log.statusChanged', onStatus);
      resolve();
    }
    function onStatus(s: { status: string }): void {
      if (s.status === 'off') done();
    }
    bus.on('log.statusChanged', onStatus);
    bus.emit('log.setEnabled', { enabled: false });
  });
}

export async function startHost(o: HostOptions): Promise<Host> {
  const { config, log } = o;
  const timers = nodeTimers;
  const bus = createBus(log.child('bus'));
  const store = createNodeFileStore(config.sdRoot);
  const run = { bus, log: log.child('actor'), timers };
  const actors: RunningActor[] = [];

  const plug = await startPlugTarget(config, log);
  const stamper = createTimeStamper(bus, timers);
  const restored = restoreFromLog(store, log);
  const dayStart = restored.dayStart;
  const status = createStatusStore({ bus, timers, dayStart });
  const sse = createSseHub({ bus, timers, log: log.child('sse'), snapshot: status.snapshot });
  const webRoot = o.webRoot || path.resolve(import.meta.dirname, '..', 'pwa');
  const handler = createApiHandler({
    bus,
    log: log.child('api'),
    store,
    status,
    sse,
    readStatic: createStaticReader(webRoot),
    apiToken: config.apiToken,
  });
  const driver = createNodeHttpServer({ host: config.http.host, port: config.http.port, log: log.child('http') });

  actors.push(
    runMachine('clock', clockMachine, {
      bus,
      log: log.child('clock'),
      timers,
      host: createHostClock(config.trustHostClock, log.child('clock')),
      ntpCheckMs: 60000,
      plugToleranceMs: 1500,
    }, run),
  );
  actors.push(runMachine('wifi', wifiMachine, { bus, log: log.child('wifi'), timers, network: createNodeNetwork(), refreshMs: 30000 }, run));
  actors.push(runMachine('led', ledMachine, { bus, log: log.child('led'), driver: createMemoryLed() }, run));
  actors.push(runMachine('display', displayMachine, { bus, log: log.child('display'), timers, driver: createMemoryDisplay(), refreshMs: 1000, retryMs: 10000, day: createDayEnergy(dayStart ? dayStart.day : null, dayStart ? dayStart.startWh : null) }, run));
  actors.push(
    runMachine('logQueue', logQueueMachine, {
      bus,
      log: log.child('log'),
      store,
      writer: createWriter(store, log.child('log')),
      timers,
      data: createQueueData(),
      stamp: stamper.stamp,
      enabled: config.logging.enabled,
      maxQueue: 100,
      flushMs: config.logging.flushMs,
      retryMs: 1000,
      maxRetryMs: 30000,
      remountAfter: 3,
    }, run),
  );
  actors.push(runMachine('server', serverMachine, { bus, log: log.child('server'), driver, handler, timers }, run));

  const client = createShellyClient({
    baseUrl: plug.url,
    password: config.plug.password,
    timeoutMs: config.requestTimeoutMs,
    http: createNodeHttpClient(),
    sha256hex,
  });
  actors.push(
    runMachine('shelly', shellyMachine, {
      bus,
      log: log.child('shelly'),
      client,
      timers,
      session: createPollSession(restored.meter),
      stamp: stamper.stamp,
      pollIntervalMs: config.pollIntervalMs,
      timeSyncMs: 60000,
      backoffBaseMs: 1000,
      backoffMaxMs: 30000,
      unreachableAfter: 3,
    }, run),
  );

  const urls = await new Promise<string[]>((resolve) => bus.on('server.started', (e) => resolve(e.urls)));

  return {
    bus,
    urls,
    plugUrl: plug.url,
    simulator: plug.sim,
    async stop() {
      await flushLog(bus);
      for (const actor of actors.slice().reverse()) actor.stop();
      sse.close();
      status.dispose();
      stamper.dispose();
      await driver.close();
      if (plug.sim) await plug.sim.stop();
      log.info('logger stopped');
    },
  };
}
