/**
 * Status LED actor. The colour follows the most serious condition:
 * `logError` red (the card fails), `plugLost` amber (plug unreachable),
 * `logOff` dim white (logging switched off), `ok` green; `booting` blue
 * until the first status arrives. Only changes of the log status or the
 * plug link reach the machine, so readings cost it nothing.
 */
import { assign, fromCallback, setup } from 'xstate';
import type { Bus } from '../bus/bus';
import type { LogStatus, PlugLink } from '../bus/events';
import type { LedDriver } from '../drivers/platform';
import type { Logger } from '../lib/logger';

export interface LedDeps {
  bus: Bus;
  log: Logger;
  driver: LedDriver;
}

interface Context {
  deps: LedDeps;
  logStatus: LogHealth | null;
  link: PlugLink | null;
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

/** Leave `self` only for another colour, so an unchanged colour is not resent. */
function leave(self: LedState) {
  return STATES.filter((name) => name !== self).map((name) => ({
    guard: { type: 'shows' as const, params: name },
    target: name,
  }));
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
  actors: {
    watch: fromCallback<Event, Bus>(({ input, sendBack }) => {
      let status: LogHealth | null = null;
      let link: PlugLink | null = null;
      const onLog = (e: { status: LogStatus }) => {
        const health = healthOf(e.status);
        if (health !== status) sendBack({ type: 'LOG', status: health });
        status = health;
      };
      const onLink = (e: { link: PlugLink }) => {
        if (e.link !== link) sendBack({ type: 'LINK', link: e.link });
        link = e.link;
      };
      input.on('log.statusChanged', onLog);
      input.on('shelly.linkChanged', onLink);
      return () => {
        input.off('log.statusChanged', onLog);
        input.off('shelly.linkChanged', onLink);
      };
    }),
  },
  guards: {
    shows: ({ context }, name: LedState) => chooseState(context) === name,
  },
  actions: {
    storeLog: assign({ logStatus: (_, s: LogHealth) => s }),
    storeLink: assign({ link: (_, l: PlugLink) => l }),
    show: ({ context }, name: string) => {
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
  context: ({ input }) => ({ deps: input, logStatus: null, link: null }),
  invoke: { src: 'watch', input: ({ context }) => context.deps.bus },
  initial: 'booting',
  on: {
    LOG: { actions: { type: 'storeLog', params: ({ event }) => event.status } },
    LINK: { actions: { type: 'storeLink', params: ({ event }) => event.link } },
  },
  states: {
    booting: {
      entry: { type: 'show', params: 'booting' },
      always: leave('booting'),
    },
    ok: { entry: { type: 'show', params: 'ok' }, always: leave('ok') },
    logOff: {
      entry: { type: 'show', params: 'logOff' },
      always: leave('logOff'),
    },
    plugLost: {
      entry: { type: 'show', params: 'plugLost' },
      always: leave('plugLost'),
    },
    logError: {
      entry: { type: 'show', params: 'logError' },
      always: leave('logError'),
    },
  },
});
