/**
 * Network actor for the host runtime, where the machine's network is managed
 * by the operating system: it checks the addresses every `refreshMs` and
 * reports changes on `wifi.statusChanged`. `starting` waits for the first
 * check; `connected` has at least one non-loopback address, `disconnected`
 * has none.
 */
import { assign, fromCallback, setup } from 'xstate';
import type { Bus } from '../bus/bus';
import type { Network, Timers } from '../drivers/platform';
import type { Logger } from '../lib/logger';

export interface WifiDeps {
  bus: Bus;
  log: Logger;
  timers: Timers;
  network: Network;
  refreshMs: number;
}

interface Context {
  deps: WifiDeps;
  ips: string[];
}

type Event = { type: 'ADDRESSES'; ips: string[] };

export const wifiMachine = setup({
  types: {} as { context: Context; events: Event; input: WifiDeps },
  actors: {
    watch: fromCallback<Event, WifiDeps>(({ input, sendBack }) => {
      let last: string | null = null;
      let timer: unknown = null;
      const check = () => {
        let ips: string[] = [];
        try {
          ips = input.network.addresses();
        } catch (err) {
          input.log.error('reading addresses failed', {
            error: (err as Error).message,
          });
        }
        const key = ips.join(',');
        if (key !== last) sendBack({ type: 'ADDRESSES', ips });
        last = key;
        timer = input.timers.setTimeout(check, input.refreshMs);
      };
      check();
      return () => input.timers.clearTimeout(timer);
    }),
  },
  guards: {
    hasAddress: ({ context }) => context.ips.length > 0,
  },
  actions: {
    store: assign({ ips: (_, ips: string[]) => ips }),
    report: ({ context }, state: string) => {
      let ssid: string | null = null;
      try {
        ssid = context.deps.network.ssid();
      } catch (err) {
        context.deps.log.error('reading the SSID failed', {
          error: (err as Error).message,
        });
      }
      context.deps.log.info('network ' + state, { ips: context.ips });
      context.deps.bus.emit('wifi.statusChanged', {
        state,
        ips: context.ips,
        ssid,
      });
    },
  },
}).createMachine({
  id: 'wifi',
  context: ({ input }) => ({ deps: input, ips: [] }),
  invoke: { src: 'watch', input: ({ context }) => context.deps },
  initial: 'starting',
  on: {
    ADDRESSES: {
      actions: { type: 'store', params: ({ event }) => event.ips },
      target: '.checking',
    },
  },
  states: {
    starting: {},
    checking: {
      always: [
        { guard: 'hasAddress', target: 'connected' },
        { target: 'disconnected' },
      ],
    },
    connected: { entry: { type: 'report', params: 'connected' } },
    disconnected: { entry: { type: 'report', params: 'disconnected' } },
  },
});
