/**
 * Status LED actor. The colour follows the most serious condition:
 * `logError` red (the card fails), `plugLost` amber (plug unreachable),
 * `logOff` dim white (logging switched off), then `ok` green. It is
 * `booting` blue until the first status arrives. Only changes of the log
 * status or the plug link reach the machine, so readings cost it nothing.
 */
import { assign, setup } from 'xstate';
import type { Bus } from '../bus/bus';
import type { LogStatus, PlugLink } from '../bus/events';
import type { LedDriver } from '../drivers/platform';
import type { Logger } from '../lib/logger';
import type { Bridge } from '../lib/run-actor';

export interface LedDeps {
  bus: Bus;
  log: Logger;
  driver: LedDriver;
}

interface Context {
  deps: LedDeps;
  logStatus: LogHealth | null;
  link: PlugLink | null;
  /** The state whose colour was sent last. */
  shownState: LedState;
}

/** The log status folded to what the LED shows, so flushes cost nothing. */
type LogHealth = 'on' | 'off' | 'error';

function healthOf(status: LogStatus): LogHealth {
  if (status === 'error' || status === 'off') return status;
  return 'on';
}

type Event =
  { type: 'LOG'; status: LogHealth } | { type: 'LINK'; link: PlugLink };

type Rgb = [number, number, number];

type LedState = 'booting' | 'ok' | 'logOff' | 'plugLost' | 'logError';

const STATES: LedState[] = ['booting', 'ok', 'logOff', 'plugLost', 'logError'];

function chooseState(ctx: Context): LedState {
  if (ctx.logStatus === 'error') return 'logError';
  if (ctx.link === 'unreachable') return 'plugLost';
  if (ctx.logStatus === 'off') return 'logOff';
  if (ctx.logStatus !== null || ctx.link !== null) return 'ok';
  return 'booting';
}

const COLOURS: Record<string, Rgb> = {
  booting: [0, 0, 40],
  ok: [0, 40, 0],
  logOff: [8, 8, 8],
  plugLost: [40, 20, 0],
  logError: [60, 0, 0],
};

export const ledMachine = setup({
  types: {} as { context: Context; events: Event; input: LedDeps },
  guards: {
    // Leave for another state only, so an unchanged colour is not resent.
    shows: ({ context }, name: LedState) =>
      context.shownState !== name && chooseState(context) === name,
  },
  actions: {
    storeLog: assign({ logStatus: (_, s: LogHealth) => s }),
    storeLink: assign({ link: (_, l: PlugLink) => l }),
    show: ({ context }, name: LedState) => {
      // The guard reads `shownState` in the same macrostep, so it is set here
      // rather than by an `assign` that would cost a second action per state.
      context.shownState = name;
      const rgb = COLOURS[name];
      try {
        context.deps.driver.set(rgb);
      } catch (err) {
        context.deps.log.error('LED write failed', {
          error: (err as Error).message,
        });
      }
      context.deps.bus.emit('led.colorChanged', { rgb, reason: name });
    },
  },
}).createMachine({
  id: 'led',
  context: ({ input }) => ({
    deps: input,
    logStatus: null,
    link: null,
    shownState: 'booting',
  }),
  initial: 'booting',
  on: {
    LOG: { actions: { type: 'storeLog', params: ({ event }) => event.status } },
    LINK: { actions: { type: 'storeLink', params: ({ event }) => event.link } },
  },
  // One list on the root instead of four transitions in each state: a
  // transition object costs variables on the device.
  always: STATES.map((name) => ({
    guard: { type: 'shows' as const, params: name },
    target: '.' + name,
  })),
  states: {
    booting: { entry: { type: 'show', params: 'booting' } },
    ok: { entry: { type: 'show', params: 'ok' } },
    logOff: { entry: { type: 'show', params: 'logOff' } },
    plugLost: { entry: { type: 'show', params: 'plugLost' } },
    logError: { entry: { type: 'show', params: 'logError' } },
  },
});

/** Sends LOG and LINK when the log health or the plug link changes. */
export const ledBridge: Bridge<Context, Event> = (context, send) => {
  const bus = context.deps.bus;
  let status: LogHealth | null = null;
  let link: PlugLink | null = null;
  const onLog = (e: { status: LogStatus }) => {
    const health = healthOf(e.status);
    if (health !== status) send({ type: 'LOG', status: health });
    status = health;
  };
  const onLink = (e: { link: PlugLink }) => {
    if (e.link !== link) send({ type: 'LINK', link: e.link });
    link = e.link;
  };
  bus.on('log.statusChanged', onLog);
  bus.on('shelly.linkChanged', onLink);
  return () => {
    bus.off('log.statusChanged', onLog);
    bus.off('shelly.linkChanged', onLink);
  };
};
