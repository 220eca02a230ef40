/**
 * Display actor: keeps the latest values from the bus and redraws the
 * 128x64 frame at most every `refreshMs`, only when a line changed. Each
 * frame goes to the display driver and out as `display.frameRendered`.
 * A driver that throws (an I2C fault on the device) moves the actor to
 * `failed`; it tries again after `retryMs`.
 */
import { fromCallback, setup } from 'xstate';
import type { Bus } from '../bus/bus';
import type { Events } from '../bus/events';
import type { DisplayDriver, Timers } from '../drivers/platform';
import { createDayEnergy, stepDayEnergy, type DayEnergy } from '../lib/day-energy';
import { renderFrame, type FrameInput } from '../lib/frame';
import type { Logger } from '../lib/logger';

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

function listen(deps: DisplayDeps, input: FrameInput, onChange: () => void): () => void {
  const day = deps.day || createDayEnergy();
  const bus = deps.bus;
  const handlers = {
    reading: (r: Events['shelly.readingReceived']) => {
      input.reading = r;
      input.todayWh = stepDayEnergy(day, r.ts, r.totalWh);
      onChange();
    },
    link: (l: Events['shelly.linkChanged']) => ((input.link = l.link), onChange()),
    wifi: (w: Events['wifi.statusChanged']) => ((input.ips = w.ips), onChange()),
    clock: (c: Events['clock.statusChanged']) => ((input.clock = c), onChange()),
    log: (l: Events['log.statusChanged']) => ((input.log = l), onChange()),
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

export const displayMachine = setup({
  types: {} as { events: Event; input: DisplayDeps; context: { deps: DisplayDeps } },
  actors: {
    render: fromCallback<Event, DisplayDeps>(({ input, sendBack }) => {
      const frame: FrameInput = {
        reading: null,
        link: 'connecting',
        todayWh: null,
        ips: [],
        clock: null,
        nowMs: 0,
        log: null,
      };
      let shown = '';
      let timer: unknown = null;
      const draw = () => {
        timer = null;
        frame.nowMs = input.timers.now();
        const lines = renderFrame(frame);
        const key = lines.join('\n');
        if (key === shown) return;
        try {
          input.driver.show(lines);
        } catch (err) {
          sendBack({ type: 'DRIVER_FAILED', message: (err as Error).message });
          return;
        }
        shown = key;
        input.bus.emit('display.frameRendered', { width: 128, height: 64, lines });
      };
      const schedule = () => {
        if (timer === null) timer = input.timers.setTimeout(draw, input.refreshMs);
      };
      const stop = listen(input, frame, schedule);
      draw();
      return () => {
        stop();
        if (timer !== null) input.timers.clearTimeout(timer);
      };
    }),
  },
  actions: {
    logFailure: ({ context }, message: string) =>
      context.deps.log.error('display failed', { error: message }),
  },
  delays: { retry: ({ context }) => context.deps.retryMs },
}).createMachine({
  id: 'display',
  context: ({ input }) => ({ deps: input }),
  initial: 'active',
  states: {
    active: {
      invoke: { src: 'render', input: ({ context }) => context.deps },
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
