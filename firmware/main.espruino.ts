/**
 * Device entry, bundled for the Espruino interpreter: reads the settings
 * that flashing put in Storage (`secrets.json`), picks the board profile
 * for `process.env.BOARD`, and wires the same actors as the host runtime
 * (`firmware/host.ts`) to the Espruino drivers. It switches the telnet
 * console off first, because it would give anyone on the network a
 * JavaScript prompt.
 *
 * Web app files are served by the HTTP driver from the card's `html/`
 * folder; the API handler only serves the API.
 */
import { clockBridge, clockMachine } from './actors/clock';
import { compactMachine } from './actors/compact-machine';
import { displayBridge, displayMachine } from './actors/display';
import { ledBridge, ledMachine } from './actors/led';
import { logQueueBridge, logQueueMachine } from './actors/log-queue';
import { serverBridge, serverMachine } from './actors/server';
import { shellyBridge, shellyMachine } from './actors/shelly';
import { wifiDeviceMachine } from './actors/wifi-device';
import { boardFor, type BoardProfile } from './boards/linux';
import { qtpyEsp32s3 } from './boards/qtpy-esp32s3';
import { createBus, type Bus } from './bus/bus';
import { parseConfig, plugBaseUrl, type Config } from './config';
import type { HttpModule } from './drivers/espruino';
import { createHardware, type Hardware } from './drivers/espruino/board-setup';
import { createEspruinoHttpClient } from './drivers/espruino/http-client';
import { createEspruinoHttpServer } from './drivers/espruino/http-server';
import {
  createSha256Hex,
  espruinoHostClock,
  espruinoTimers,
} from './drivers/espruino/platform';
import type { SdFileStore } from './drivers/espruino/storage';
import { createApiHandler } from './lib/api';
import { createDayEnergy } from './lib/day-energy';
import { createWriter } from './lib/log-files';
import { restoreFromLog, type Restored } from './lib/restore';
import { createQueueData } from './lib/log-intake';
import { createLogger, formatRecord, type Logger } from './lib/logger';
import { createPollSession } from './lib/poll-session';
import {
  createActorSystem,
  runMachine,
  type RunningActor,
  type RunOptions,
} from './lib/run-actor';
import { createShellyClient } from './lib/shelly-client';
import { createSseHub } from './lib/sse';
import { createStatusStore } from './lib/status-store';
import { createTimeStamper, type TimeStamper } from './lib/time-stamp';

/** The access point's address until the radio reports its own. */
const AP_DEFAULT_IP = '192.168.4.1';

function disableTelnet(): void {
  try {
    require('TelnetServer').setOptions({ mode: 'off' });
  } catch (err) {
    console.log('switching the telnet console off failed: ' + err);
  }
}

function readSettings(): Config {
  const raw = require('Storage').readJSON('secrets.json', true);
  if (raw === undefined) {
    console.log('secrets.json not found in Storage: using defaults');
  }
  return parseConfig(raw === undefined ? {} : raw);
}

interface Wiring {
  bus: Bus;
  log: Logger;
  config: Config;
  hardware: Hardware;
  restored: Restored;
  stamper: TimeStamper;
  actors: RunningActor[];
  run: RunOptions;
}

function startNetwork(w: Wiring): void {
  const log = w.log.child('wifi');
  const radio = w.hardware.radio;
  if (!radio) {
    // The Linux build has no Wi-Fi module and cannot list its addresses.
    log.info('no Wi-Fi on this board: the network is not managed');
    return;
  }
  const input = {
    bus: w.bus,
    log,
    timers: espruinoTimers,
    radio,
    ap: w.config.ap,
    station: w.config.station,
    scanTimeoutMs: 15000,
    apTimeoutMs: 10000,
    joinTimeoutMs: 30000,
    backoffBaseMs: 5000,
    backoffMaxMs: 120000,
    checkMs: 10000,
  };
  w.actors.push(runMachine('wifi', wifiDeviceMachine, input, w.run));
}

function startWeb(w: Wiring): void {
  const timers = espruinoTimers;
  const dayStart = w.restored.dayStart;
  // Each kept transition costs about 7 variables (measured on the Linux
  // build), so the device keeps 4 per machine, not 20.
  const status = createStatusStore({
    bus: w.bus,
    timers,
    dayStart,
    transitionHistory: 4,
  });
  const sse = createSseHub({
    bus: w.bus,
    timers,
    log: w.log.child('sse'),
    snapshot: status.snapshot,
    // Each history message costs about 18 variables of the device's 16,383
    // and each open page about 240 (both measured on the Linux build), so
    // both stay small here.
    maxClients: 2,
    historySize: 8,
    maxBufferBytes: 8192,
  });
  const handler = createApiHandler({
    bus: w.bus,
    log: w.log.child('api'),
    store: w.hardware.store,
    status,
    sse,
    readStatic: () => null,
    apiToken: w.config.apiToken,
    timers,
  });
  const store = w.hardware.store;
  const radio = w.hardware.radio;
  const driver = createEspruinoHttpServer({
    http: require('http') as HttpModule,
    port: w.config.http.port,
    log: w.log.child('http'),
    timers,
    addresses: () => {
      if (!radio) return ['127.0.0.1'];
      const ips = radio.addresses();
      return ips.length > 0 ? ips : [AP_DEFAULT_IP];
    },
    staticFiles: { open: (path) => store.openRead('html/' + path) },
    // A request peaks at about 600 variables and the device has about
    // 2,700 free, so it serves 4 sockets at once (two of them may be event
    // streams). The commands the web app posts are under 100 bytes, and a
    // 4 KB body of nested arrays ran the interpreter out of memory.
    maxSockets: 4,
    maxBodyBytes: 512,
    maxHeaders: 32,
    maxHeaderBytes: 2048,
  });
  const input = {
    bus: w.bus,
    log: w.log.child('server'),
    driver,
    handler,
    timers,
  };
  w.actors.push(
    runMachine('server', serverMachine, input, w.run, serverBridge),
  );
}

/** Starts the clock, LED, display and SD log actors. */
function startLocal(w: Wiring): void {
  const timers = espruinoTimers;
  const bus = w.bus;
  const store = w.hardware.store;
  const dayStart = w.restored.dayStart;

  const clock = {
    bus,
    log: w.log.child('clock'),
    timers,
    host: espruinoHostClock,
    ntpCheckMs: 600000,
    plugToleranceMs: 1500,
  };
  w.actors.push(runMachine('clock', clockMachine, clock, w.run, clockBridge));

  const led = { bus, log: w.log.child('led'), driver: w.hardware.led };
  w.actors.push(runMachine('led', ledMachine, led, w.run, ledBridge));

  const display = {
    bus,
    log: w.log.child('display'),
    timers,
    driver: w.hardware.display,
    refreshMs: 1000,
    retryMs: 30000,
    day: createDayEnergy(
      dayStart ? dayStart.day : null,
      dayStart ? dayStart.startWh : null,
    ),
  };
  w.actors.push(
    runMachine('display', displayMachine, display, w.run, displayBridge),
  );

  const logQueue = {
    bus,
    log: w.log.child('log'),
    store,
    writer: createWriter(store, w.log.child('log')),
    timers,
    data: createQueueData(),
    stamp: w.stamper.stamp,
    enabled: w.config.logging.enabled,
    // A queued row costs about 53 variables (measured with E.getSizeOf), so
    // while the card fails the device keeps the last 20 rows (about 1,060)
    // and counts older ones in a `dropped` row, where the host keeps 100.
    maxQueue: 20,
    flushMs: w.config.logging.flushMs,
    retryMs: 1000,
    maxRetryMs: 30000,
    remountAfter: 3,
  };
  w.actors.push(
    runMachine('logQueue', logQueueMachine, logQueue, w.run, logQueueBridge),
  );
}

/** Starts polling the plug; without its address the logger only serves. */
function startPlug(w: Wiring): void {
  const config = w.config;
  if (!config.plug.address) {
    w.log.error('plug.address is not set in secrets.json: not polling');
    return;
  }

  const client = createShellyClient({
    baseUrl: plugBaseUrl(config.plug.address),
    password: config.plug.password,
    timeoutMs: config.requestTimeoutMs,
    http: createEspruinoHttpClient({
      http: require('http') as HttpModule,
      timers: espruinoTimers,
    }),
    sha256hex: createSha256Hex(require('crypto')),
  });

  const shelly = {
    bus: w.bus,
    log: w.log.child('shelly'),
    client,
    timers: espruinoTimers,
    session: createPollSession(w.restored.meter),
    stamp: w.stamper.stamp,
    pollIntervalMs: config.pollIntervalMs,
    timeSyncMs: 60000,
    backoffBaseMs: 1000,
    backoffMaxMs: 30000,
    unreachableAfter: 3,
  };
  w.actors.push(
    runMachine('shelly', shellyMachine, shelly, w.run, shellyBridge),
  );
}

function main(): void {
  disableTelnet();
  const machines = [
    clockMachine,
    displayMachine,
    ledMachine,
    logQueueMachine,
    serverMachine,
    shellyMachine,
    wifiDeviceMachine,
  ];
  // Espruino's `process.memory()` collects garbage, then counts variables.
  const memory = (process as unknown as { memory(): { usage: number } }).memory;
  const usageBefore = memory().usage;
  machines.forEach(compactMachine);
  console.log(
    'machines compacted: ' +
      usageBefore +
      ' -> ' +
      memory().usage +
      ' variables in use',
  );
  let config: Config;
  try {
    config = readSettings();
  } catch (err) {
    console.log('logger not started: ' + (err as Error).message);
    return;
  }

  const log = createLogger(
    (record) => console.log(formatRecord(record)),
    config.logLevel,
  );

  const board = boardFor(process.env.BOARD, qtpyEsp32s3);
  log.info('logger starting', { board: board.name });
  const hardware = createHardware(board, config.sdRoot, log);

  const bus = createBus(log.child('bus'));
  const wiring: Wiring = {
    bus,
    log,
    config,
    hardware,
    restored: restoreFromLog(hardware.store, log),
    stamper: createTimeStamper(bus, espruinoTimers),
    actors: [],
    // One XState system for all actors saves about 220 variables each.
    run: {
      bus,
      log: log.child('actor'),
      timers: espruinoTimers,
      system: createActorSystem(),
    },
  };

  // The status store subscribes first, so it receives every actor's first
  // event.
  startWeb(wiring);
  startLocal(wiring);
  startNetwork(wiring);
  startPlug(wiring);

  if (!hardware.radio && !config.apiToken) {
    // Espruino's server binds every interface, whatever http.host is set to.
    log.warn('the web server is open to the network: set apiToken');
  }
}

main();
