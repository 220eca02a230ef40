/**
 * Clock actor: picks the most trusted time source and announces the offset
 * from the local clock on `clock.statusChanged`.
 *
 * Sources, most trusted first: `ntp` (the host's NTP-synced clock, checked
 * every `ntpCheckMs`), `plug` (the plug's `sys.unixtime` when not null),
 * `browser` (a time posted by the web app) and `fallback`
 * (2026-01-01T00:00:00Z at start). A lower source never replaces a higher
 * one that is still valid. The plug's clock has 1 s resolution, so its
 * offset is only corrected when it is off by more than `plugToleranceMs`.
 * This keeps row timestamps from stepping back and forth.
 */
import { assign, setup } from 'xstate';
import type { Bus } from '../bus/bus';
import type { TimeSource } from '../bus/events';
import type { HostClock, Timers } from '../drivers/platform';
import type { Logger } from '../lib/logger';
import type { Bridge } from '../lib/run-actor';
import { FALLBACK_UNIX_MS } from '../lib/time-stamp';

export interface ClockDeps {
  bus: Bus;
  log: Logger;
  timers: Timers;
  host: HostClock;
  ntpCheckMs: number;
  plugToleranceMs: number;
}

interface Context {
  deps: ClockDeps;
  offsetMs: number;
  /** Counts from the fallback time at start, so it never steps back. */
  fallbackOffsetMs: number;
  plugOffsetMs: number | null;
  browserOffsetMs: number | null;
}

type Event =
  | { type: 'NTP'; synced: boolean }
  | { type: 'PLUG_TIME'; unixtime: number | null }
  | { type: 'BROWSER_TIME'; unixMs: number };

/** Plug times before 2020 mean an unsynced clock, not a real time. */
const MIN_UNIXTIME = 1577836800;

function announce(ctx: Context, source: TimeSource): void {
  ctx.deps.bus.emit('clock.statusChanged', {
    source,
    offsetMs: ctx.offsetMs,
    trusted: source === 'ntp' || source === 'plug',
  });
}

function plugOffset(ctx: Context, unixtime: number): number {
  const fresh = unixtime * 1000 - ctx.deps.timers.now();
  const current = ctx.plugOffsetMs;
  if (
    current !== null &&
    Math.abs(fresh - current) <= ctx.deps.plugToleranceMs
  ) {
    return current;
  }
  return fresh;
}

export const clockMachine = setup({
  types: {} as { context: Context; events: Event; input: ClockDeps },
  guards: {
    isSynced: (_, synced: boolean) => synced,
    isValidTime: (_, t: number | null) => t !== null && t > MIN_UNIXTIME,
    movesPlugOffset: ({ context }, t: number | null) =>
      t !== null &&
      t > MIN_UNIXTIME &&
      plugOffset(context, t) !== context.offsetMs,
    hasPlugTime: ({ context }) => context.plugOffsetMs !== null,
    hasBrowserTime: ({ context }) => context.browserOffsetMs !== null,
  },
  actions: {
    storePlug: assign({
      plugOffsetMs: ({ context }, t: number | null) =>
        t !== null && t > MIN_UNIXTIME
          ? plugOffset(context, t)
          : context.plugOffsetMs,
    }),
    storeBrowser: assign({
      browserOffsetMs: ({ context }, unixMs: number) =>
        unixMs - context.deps.timers.now(),
    }),
    use: assign({
      offsetMs: ({ context }, source: TimeSource) => {
        if (source === 'plug') return context.plugOffsetMs as number;
        if (source === 'browser') return context.browserOffsetMs as number;
        if (source === 'ntp') return 0;
        return context.fallbackOffsetMs;
      },
    }),
    announce: ({ context }, source: TimeSource) => {
      context.deps.log.info('time source', {
        source,
        offsetMs: context.offsetMs,
      });
      announce(context, source);
    },
    announceQuietly: ({ context }) => announce(context, 'plug'),
    ignoreBrowser: ({ context }) =>
      context.deps.log.info('browser time ignored, a trusted source is set'),
  },
}).createMachine({
  id: 'clock',
  context: ({ input }) => ({
    deps: input,
    offsetMs: FALLBACK_UNIX_MS - input.timers.now(),
    fallbackOffsetMs: FALLBACK_UNIX_MS - input.timers.now(),
    plugOffsetMs: null,
    browserOffsetMs: null,
  }),
  initial: 'fallback',
  on: {
    NTP: {
      guard: { type: 'isSynced', params: ({ event }) => event.synced },
      target: '.ntp',
    },
    PLUG_TIME: {
      guard: { type: 'isValidTime', params: ({ event }) => event.unixtime },
      actions: { type: 'storePlug', params: ({ event }) => event.unixtime },
      target: '.choose',
    },
    BROWSER_TIME: {
      actions: { type: 'storeBrowser', params: ({ event }) => event.unixMs },
      target: '.choose',
    },
  },
  states: {
    choose: {
      always: [
        { guard: 'hasPlugTime', target: 'plug' },
        { guard: 'hasBrowserTime', target: 'browser' },
        { target: 'fallback' },
      ],
    },
    ntp: {
      entry: [
        { type: 'use', params: 'ntp' },
        { type: 'announce', params: 'ntp' },
      ],
      on: {
        NTP: {
          guard: { type: 'isSynced', params: ({ event }) => !event.synced },
          target: 'choose',
        },
        PLUG_TIME: {
          actions: { type: 'storePlug', params: ({ event }) => event.unixtime },
        },
        BROWSER_TIME: {
          actions: [
            { type: 'storeBrowser', params: ({ event }) => event.unixMs },
            'ignoreBrowser',
          ],
        },
      },
    },
    plug: {
      entry: [
        { type: 'use', params: 'plug' },
        { type: 'announce', params: 'plug' },
      ],
      on: {
        PLUG_TIME: {
          guard: {
            type: 'movesPlugOffset',
            params: ({ event }) => event.unixtime,
          },
          actions: [
            { type: 'storePlug', params: ({ event }) => event.unixtime },
            { type: 'use', params: 'plug' },
            'announceQuietly',
          ],
        },
        BROWSER_TIME: { actions: 'ignoreBrowser' },
      },
    },
    browser: {
      entry: [
        { type: 'use', params: 'browser' },
        { type: 'announce', params: 'browser' },
      ],
    },
    fallback: {
      entry: [
        { type: 'use', params: 'fallback' },
        { type: 'announce', params: 'fallback' },
      ],
    },
  },
});

/**
 * Sends NTP when the host's NTP state changes (checked every `ntpCheckMs`),
 * PLUG_TIME for each plug time and BROWSER_TIME for each `clock.set`.
 */
export const clockBridge: Bridge<Context, Event> = (context, send) => {
  const input = context.deps;
  let last: boolean | null = null;
  let timer: unknown = null;
  const check = () => {
    const synced = input.host.isNtpSynced();
    if (synced !== last) send({ type: 'NTP', synced });
    last = synced;
    timer = input.timers.setTimeout(check, input.ntpCheckMs);
  };
  const onPlug = (e: { unixtime: number | null }) =>
    send({ type: 'PLUG_TIME', unixtime: e.unixtime });
  const onSet = (e: { unixMs: number }) =>
    send({ type: 'BROWSER_TIME', unixMs: e.unixMs });
  input.bus.on('shelly.timeReceived', onPlug);
  input.bus.on('clock.set', onSet);
  check();
  return () => {
    input.timers.clearTimeout(timer);
    input.bus.off('shelly.timeReceived', onPlug);
    input.bus.off('clock.set', onSet);
  };
};
