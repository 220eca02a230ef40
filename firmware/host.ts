/**
 * The host runtime: every actor of the logger wired to the Node.js drivers.
 * With no plug address configured, it starts the built-in plug simulator
 * on loopback and logs that instead.
 */
import path from 'node:path';
import { createBus, type Bus } from './bus/bus';
import type { Events } from './bus/events';
import { lockFolder } from './drivers/node/lock';
import { plugBaseUrl, type Config } from './config';
import { nodeTimers } from './drivers/node/platform';
import { createNodeFileStore } from './drivers/node/storage';
import { createDayEnergy } from './lib/day-energy';
import { restoreFromLog } from './lib/restore';
import { startHostActors } from './host-actors';
import type { Logger } from './lib/logger';
import { createSseHub } from './lib/sse';
import { createStatusStore } from './lib/status-store';
import { createTimeStamper } from './lib/time-stamp';
import { startSimulator, type Simulator } from '../sim';
import { createWebServer, startRedirectServer } from './host-web';

export interface HostOptions {
  config: Config;
  log: Logger;
  /** Folder of the web app; default `pwa/` beside this project. */
  webRoot?: string;
}

export interface Host {
  bus: Bus;
  /** Addresses of the web app: HTTPS unless `https.enabled` is false. */
  urls: string[];
  /** Plain-HTTP addresses of the certificate page; empty without HTTPS. */
  certificateUrls: string[];
  plugUrl: string;
  simulator: Simulator | null;
  stop(): Promise<void>;
}

async function startPlugTarget(
  config: Config,
  log: Logger,
): Promise<{ url: string; sim: Simulator | null }> {
  if (config.plug.address)
    return { url: plugBaseUrl(config.plug.address), sim: null };
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
function flushLog(bus: Bus, log: Logger, timeoutMs = 2000): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, timeoutMs);
    function done(): void {
      clearTimeout(timer);
      bus.off('log.statusChanged', onStatus);
      resolve();
    }
    function onStatus(s: Events['log.statusChanged']): void {
      if (s.status !== 'off') return;
      if (s.queueLength > 0) {
        log.error('rows not written at stop, the card is failing', {
          queued: s.queueLength,
          lastError: s.lastError,
        });
      }
      done();
    }
    bus.on('log.statusChanged', onStatus);
    bus.emit('log.setEnabled', { enabled: false });
  });
}

/**
 * Wait for the web server's first listen. A first failure stops the start,
 * because a logger without its web page is worse than a clear error.
 */
function firstListen(bus: Bus): Promise<string[]> {
  return new Promise((resolve, reject) => {
    bus.on('server.started', (e) => resolve(e.urls));
    bus.on('server.listenFailed', (e) => {
      if (e.attempt !== 1) return;
      const hint =
        e.code === 'EADDRINUSE'
          ? '; another program uses the port: stop it or choose another with --port / --https-port'
          : '';
      reject(new Error('web server failed to listen: ' + e.message + hint));
    });
  });
}

export async function startHost(o: HostOptions): Promise<Host> {
  const { config, log } = o;
  const timers = nodeTimers;
  const bus = createBus(log.child('bus'));
  const releaseLock = lockFolder(config.sdRoot);
  const store = createNodeFileStore(config.sdRoot);

  const plug = await startPlugTarget(config, log);
  const stamper = createTimeStamper(bus, timers);
  const restored = restoreFromLog(store, log);
  const dayStart = restored.dayStart;
  const status = createStatusStore({ bus, timers, dayStart });
  const sse = createSseHub({
    bus,
    timers,
    log: log.child('sse'),
    snapshot: status.snapshot,
  });
  const webRoot = o.webRoot || path.resolve(import.meta.dirname, '..', 'pwa');
  const web = await createWebServer(config, log, webRoot, {
    bus,
    store,
    status,
    sse,
  });
  const { driver, handler } = web;

  const actors = startHostActors({
    config,
    bus,
    log,
    store,
    plugUrl: plug.url,
    meter: restored.meter,
    day: createDayEnergy(
      dayStart ? dayStart.day : null,
      dayStart ? dayStart.startWh : null,
    ),
    stamp: stamper.stamp,
    server: { driver, handler },
  });

  let urls: string[];
  try {
    urls = await firstListen(bus);
  } catch (err) {
    for (const actor of actors.slice().reverse()) actor.stop();
    sse.close();
    status.dispose();
    stamper.dispose();
    if (plug.sim) await plug.sim.stop();
    releaseLock();
    throw err;
  }
  const redirect = await startRedirectServer(config, web, urls, log);

  return {
    bus,
    urls,
    certificateUrls: redirect ? redirect.certificateUrls : [],
    plugUrl: plug.url,
    simulator: plug.sim,
    async stop() {
      await flushLog(bus, log);
      releaseLock();
      for (const actor of actors.slice().reverse()) actor.stop();
      sse.close();
      status.dispose();
      stamper.dispose();
      await driver.close();
      if (redirect) await redirect.close();
      if (plug.sim) await plug.sim.stop();
      log.info('logger stopped');
    },
  };
}
