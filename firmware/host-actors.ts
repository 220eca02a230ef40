/**
 * Starts every actor of the host runtime with its Node.js drivers. The
 * listeners (display, LED) start first, so they see the first status that
 * the clock and network actors announce.
 */
import { clockBridge, clockMachine } from './actors/clock';
import { displayBridge, displayMachine } from './actors/display';
import { ledBridge, ledMachine } from './actors/led';
import { logQueueBridge, logQueueMachine } from './actors/log-queue';
import { serverBridge, serverMachine } from './actors/server';
import { shellyBridge, shellyMachine } from './actors/shelly';
import { wifiMachine } from './actors/wifi';
import type { Bus } from './bus/bus';
import type { Config } from './config';
import type { HttpServerDriver, RequestHandler } from './drivers/http-server';
import { createNodeHttpClient } from './drivers/node/http-client';
import {
  createHostClock,
  createMemoryDisplay,
  createMemoryLed,
  createNodeNetwork,
  nodeTimers,
  sha256hex,
} from './drivers/node/platform';
import type { FileStore } from './drivers/storage';
import type { DayEnergy } from './lib/day-energy';
import { createWriter } from './lib/log-files';
import { createQueueData } from './lib/log-intake';
import type { Logger } from './lib/logger';
import type { MeterState } from './lib/meter';
import { createPollSession, type Stamp } from './lib/poll-session';
import { runMachine, type RunningActor } from './lib/run-actor';
import { createShellyClient } from './lib/shelly-client';

export interface ActorWiring {
  config: Config;
  bus: Bus;
  log: Logger;
  store: FileStore;
  plugUrl: string;
  meter: MeterState;
  day: DayEnergy;
  stamp: () => Stamp;
  server: { driver: HttpServerDriver; handler: RequestHandler };
}

export function startHostActors(w: ActorWiring): RunningActor[] {
  const { config, bus, log } = w;
  const timers = nodeTimers;
  const run = { bus, log: log.child('actor'), timers };
  const actors: RunningActor[] = [];

  actors.push(
    runMachine(
      'display',
      displayMachine,
      {
        bus,
        log: log.child('display'),
        timers,
        driver: createMemoryDisplay(),
        refreshMs: 1000,
        retryMs: 10000,
        day: w.day,
      },
      run,
      displayBridge,
    ),
  );
  actors.push(
    runMachine(
      'led',
      ledMachine,
      {
        bus,
        log: log.child('led'),
        driver: createMemoryLed(),
      },
      run,
      ledBridge,
    ),
  );
  actors.push(
    runMachine(
      'clock',
      clockMachine,
      {
        bus,
        log: log.child('clock'),
        timers,
        host: createHostClock(config.trustHostClock, log.child('clock')),
        ntpCheckMs: 60000,
        plugToleranceMs: 1500,
      },
      run,
      clockBridge,
    ),
  );
  actors.push(
    runMachine(
      'wifi',
      wifiMachine,
      {
        bus,
        log: log.child('wifi'),
        timers,
        network: createNodeNetwork(),
        refreshMs: 30000,
      },
      run,
    ),
  );
  actors.push(
    runMachine(
      'logQueue',
      logQueueMachine,
      {
        bus,
        log: log.child('log'),
        store: w.store,
        writer: createWriter(w.store, log.child('log')),
        timers,
        data: createQueueData(),
        stamp: w.stamp,
        enabled: config.logging.enabled,
        maxQueue: 100,
        flushMs: config.logging.flushMs,
        retryMs: 1000,
        maxRetryMs: 30000,
        remountAfter: 3,
      },
      run,
      logQueueBridge,
    ),
  );
  actors.push(
    runMachine(
      'server',
      serverMachine,
      {
        bus,
        log: log.child('server'),
        driver: w.server.driver,
        handler: w.server.handler,
        timers,
      },
      run,
      serverBridge,
    ),
  );
  actors.push(startShelly(w, run));
  return actors;
}

function startShelly(
  w: ActorWiring,
  run: Parameters<typeof runMachine>[3],
): RunningActor {
  const client = createShellyClient({
    baseUrl: w.plugUrl,
    password: w.config.plug.password,
    timeoutMs: w.config.requestTimeoutMs,
    http: createNodeHttpClient(),
    sha256hex,
  });
  return runMachine(
    'shelly',
    shellyMachine,
    {
      bus: w.bus,
      log: w.log.child('shelly'),
      client,
      timers: nodeTimers,
      session: createPollSession(w.meter),
      stamp: w.stamp,
      pollIntervalMs: w.config.pollIntervalMs,
      timeSyncMs: 60000,
      backoffBaseMs: 1000,
      backoffMaxMs: 30000,
      unreachableAfter: 3,
    },
    run,
    shellyBridge,
  );
}
