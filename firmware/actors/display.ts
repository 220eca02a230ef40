/**
 * Display actor: keeps the latest values from the bus and checks the
 * 128x64 frame every `refreshMs`, drawing it only when a line changed. Each
 * frame goes to the display driver and out as `display.frameRendered`.
 * A driver that throws (an I2C fault on the device) moves the actor to
 * `failed`; it tries again after `retryMs`.
 */
import { fromCallback, setup } from 'xstate';
import type { Bus } from '../bus/bus';
import type { Events } from '../bus/events';
import type { DisplayDriver, Timers } from '../drivers/platform';
import {
  createDayEnergy,
  stepDayEnergy,
  type DayEnergy,
} from '../lib/day-energy';
import { renderFrame, type FrameInput } from '../lib/frame';
import type { Logger } from '../lib/logger';
import type { Bridge } from '../lib/run-actor';

export interface DisplayDeps {
  bus: Bus;
  log: Logger;
  timers: Timers;
  driver: DisplayDriver;
  refreshMs: number;
  retryMs: number;
  day?: DayEnergy;
}

type Event = { type: 'DRIVER_FAILED'; message: string };

/** Keep `frame` current from the bus; returns the unsubscribe function. */
function listen(bus: Bus, frame: FrameInput, day: DayEnergy): () => void {
  const handlers = {
    reading: (r: Events['shelly.readingReceived']) => {
      frame.reading = r;
      frame.todayWh = stepDayEnergy(day, r.ts, r.totalWh);
    },
    link: (l: Events['shelly.linkChanged']) => {
      frame.link = l.link;
    },
    wifi: (w: Events['wifi.statusChanged']) => {
      frame.ips = w.ips;
    },
    clock: (c: Events['clock.statusChanged']) => {
      frame.clock = c;
    },
    log: (l: Events['log.statusChanged']) => {
      frame.log = l;
    },
  };
  bus.on('shelly.readingReceived', handlers.reading);
  bus.on('shelly.linkChanged', handlers.link);
  bus.on('wifi.statusChanged', handlers.wifi);
  bus.on('clock.statusChanged', handlers.clock);
  bus.on('log.statusChanged', handlers.log);
  return () => {
    bus.off('shelly.readingReceived', handlers.reading);
    bus.off('shelly.linkChanged', handlers.link);
    bus.off('wifi.statusChanged', handlers.wifi);
    bus.off('clock.statusChanged', handlers.clock);
    bus.off('log.statusChanged', handlers.log);
  };
}

interface Context {
  deps: DisplayDeps;
  /** Latest values; kept across driver retries, updated without events. */
  frame: FrameInput;
  day: DayEnergy;
}

function emptyFrame(): FrameInput {
  return {
    reading: null,
    link: 'connecting',
    todayWh: null,
    ips: [],
    clock: null,
    nowMs: 0,
    log: null,
  };
}

export const displayMachine = setup({
  types: {} as { events: Event; input: DisplayDeps; context: Context },
  actors: {
    render: fromCallback<Event, Context>(({ input, sendBack }) => {
      const deps = input.deps;
      let shown = '';
      let timer: unknown = null;
      const draw = () => {
        input.frame.nowMs = deps.timers.now();
        const lines = renderFrame(input.frame);
        const key = lines.join('\n');
        if (key !== shown) {
          try {
            deps.driver.show(lines);
          } catch (err) {
            sendBack({
              type: 'DRIVER_FAILED',
              message: (err as Error).message,
            });
            return;
          }
          shown = key;
          deps.bus.emit('display.frameRendered', {
            width: 128,
            height: 64,
            lines,
          });
        }
        timer = deps.timers.setTimeout(draw, deps.refreshMs);
      };
      draw();
      return () => deps.timers.clearTimeout(timer);
    }),
  },
  actions: {
    logFailure: ({ context }, message: string) =>
      context.deps.log.error('display failed', { error: message }),
  },
  delays: { retry: ({ context }) => context.deps.retryMs },
}).createMachine({
  id: 'display',
  context: ({ input }) => ({
    deps: input,
    frame: emptyFrame(),
    day: input.day || createDayEnergy(),
  }),
  initial: 'active',
  states: {
    active: {
      invoke: { src: 'render', input: ({ context }) => context },
      on: {
        DRIVER_FAILED: {
          target: 'failed',
          actions: { type: 'logFailure', params: ({ event }) => event.message },
        },
      },
    },
    failed: { after: { retry: 'active' } },
  },
});

/** Keeps the frame and today's energy up to date from the bus. */
export const displayBridge: Bridge<Context, Event> = (context) =>
  listen(context.deps.bus, context.frame, context.day);
