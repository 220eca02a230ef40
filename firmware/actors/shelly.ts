/**
 * Plug actor: identifies the plug, polls `Switch.GetStatus` and switches the
 * relay on command.
 *
 * - `connecting`: `GET /shelly`; success goes `online`, failure `waiting`.
 * - `online`: a poller runs one request at a time every `pollIntervalMs`,
 *   calls `Sys.GetStatus` for the plug's clock every `timeSyncMs`, and emits
 *   each reading on the bus without an XState event. Relay commands join the
 *   same queue, so only one request is ever in flight. The first failed poll
 *   leaves `online`.
 * - `waiting`: back-off of `backoffBaseMs * 2^(failures-1)`, capped at
 *   `backoffMaxMs`; at least twice the poll interval after HTTP 429, and the
 *   maximum after an authentication failure. Then `probing` tries one poll.
 * - Emits `shelly.linkChanged` on every state change: `retrying` for the
 *   first failures, `unreachable` from `unreachableAfter` failures on.
 */
import { assign, fromCallback, fromPromise, sendTo, setup } from 'xstate';
import type { Bus } from '../bus/bus';
import type { FailureInfo, PlugLink } from '../bus/events';
import type { Timers } from '../drivers/platform';
import type { Logger } from '../lib/logger';
import type { Bridge } from '../lib/run-actor';
import { createPoller, pollOnce } from '../lib/poller';
import type { PollSession, Stamp } from '../lib/poll-session';
import type { ShellyClient } from '../lib/shelly-client';

export interface ShellyDeps {
  bus: Bus;
  log: Logger;
  client: ShellyClient;
  timers: Timers;
  session: PollSession;
  stamp: () => Stamp;
  pollIntervalMs: number;
  timeSyncMs: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  unreachableAfter: number;
}

interface Context {
  deps: ShellyDeps;
  failures: number;
  lastError: FailureInfo | null;
}

type Event =
  | { type: 'POLL_FAILED'; error: FailureInfo }
  | { type: 'SET_OUTPUT'; on: boolean };

export function toFailure(err: unknown): FailureInfo {
  const e = err as { code?: unknown; message?: unknown };
  const code = typeof e?.code === 'string' ? e.code : 'error';
  const message = typeof e?.message === 'string' ? e.message : String(err);
  return { code, message };
}

function backoffMs(ctx: Context): number {
  const d = ctx.deps;
  if (ctx.lastError?.code === 'auth') return d.backoffMaxMs;
  const exp = d.backoffBaseMs * Math.pow(2, Math.max(0, ctx.failures - 1));
  let delay = Math.min(exp, d.backoffMaxMs);
  if (ctx.lastError?.code === 'http429') {
    delay = Math.max(delay, 2 * d.pollIntervalMs);
  }
  return delay;
}

function announce(
  ctx: Context,
  link: PlugLink,
  retryInMs: number | null,
): void {
  ctx.deps.bus.emit('shelly.linkChanged', {
    link,
    failures: ctx.failures,
    retryInMs,
    error: ctx.lastError,
  });
}

export const shellyMachine = setup({
  types: {} as { context: Context; events: Event; input: ShellyDeps },
  actors: {
    // Plain promises, not `async`, which costs a generator runtime on
    // Espruino. The client and `pollOnce` reject rather than throw.
    identify: fromPromise(({ input }: { input: ShellyDeps }) =>
      input.client.deviceInfo(),
    ),
    poller: fromCallback<Event, ShellyDeps>(({ input, sendBack, receive }) => {
      const poller = createPoller(input, (error) =>
        sendBack({ type: 'POLL_FAILED', error }),
      );
      receive((event) => {
        if (event.type === 'SET_OUTPUT') poller.setOutput(event.on);
      });
      return () => poller.stop();
    }),
    probe: fromPromise(({ input }: { input: ShellyDeps }) => pollOnce(input)),
  },
  actions: {
    announceDevice: ({ context }, info: Record<string, unknown>) => {
      const d = context.deps;
      const device = {
        id: String(info.id ?? ''),
        model: String(info.model ?? ''),
        gen: Number(info.gen ?? 0),
        ver: String(info.ver ?? ''),
        authEnabled: info.auth_en === true,
      };
      d.log.info('plug identified', device);
      d.bus.emit('shelly.deviceIdentified', device);
    },
    recordFailure: assign({
      failures: ({ context }) => context.failures + 1,
      lastError: (_, error: FailureInfo) => error,
    }),
    markGap: ({ context }) => {
      context.deps.session.inGap = true;
    },
    clearFailures: assign({ failures: 0, lastError: null }),
    logOnline: ({ context }) => {
      context.deps.log.info('plug online', {
        afterFailures: context.failures,
        lastError: context.lastError ? context.lastError.code : null,
      });
    },
    announceOnline: ({ context }) => announce(context, 'online', null),
    announceRetry: ({ context }) => {
      const delay = backoffMs(context);
      const unreachable = context.failures >= context.deps.unreachableAfter;
      const fields = {
        failures: context.failures,
        retryInMs: delay,
        error: context.lastError,
      };
      if (unreachable)
        context.deps.log.warn('plug unreachable, retrying', fields);
      else context.deps.log.info('poll failed, retrying', fields);
      announce(context, unreachable ? 'unreachable' : 'retrying', delay);
    },
    rejectCommand: ({ context }, params: { on: boolean }) => {
      const message =
        'plug is not reachable; relay not switched to ' +
        (params.on ? 'on' : 'off');
      context.deps.log.warn('relay command rejected', { on: params.on });
      context.deps.bus.emit('shelly.commandFailed', {
        method: 'Switch.Set',
        code: 'unreachable',
        message,
      });
    },
  },
  delays: {
    backoff: ({ context }) => backoffMs(context),
  },
}).createMachine({
  id: 'shelly',
  context: ({ input }) => ({ deps: input, failures: 0, lastError: null }),
  initial: 'connecting',
  states: {
    connecting: {
      entry: ({ context }) => announce(context, 'connecting', null),
      invoke: {
        src: 'identify',
        input: ({ context }) => context.deps,
        onDone: {
          target: 'online',
          actions: {
            type: 'announceDevice',
            params: ({ event }) => event.output,
          },
        },
        onError: {
          target: 'waiting',
          actions: {
            type: 'recordFailure',
            params: ({ event }) => toFailure(event.error),
          },
        },
      },
      on: {
        SET_OUTPUT: {
          actions: { type: 'rejectCommand', params: ({ event }) => event },
        },
      },
    },
    online: {
      entry: ['logOnline', 'clearFailures', 'announceOnline'],
      invoke: {
        id: 'poller',
        src: 'poller',
        input: ({ context }) => context.deps,
      },
      on: {
        POLL_FAILED: {
          target: 'waiting',
          actions: [
            { type: 'recordFailure', params: ({ event }) => event.error },
            'markGap',
          ],
        },
        SET_OUTPUT: { actions: sendTo('poller', ({ event }) => event) },
      },
    },
    waiting: {
      entry: 'announceRetry',
      after: { backoff: 'probing' },
      on: {
        SET_OUTPUT: {
          actions: { type: 'rejectCommand', params: ({ event }) => event },
        },
      },
    },
    probing: {
      invoke: {
        src: 'probe',
        input: ({ context }) => context.deps,
        onDone: 'online',
        onError: {
          target: 'waiting',
          actions: {
            type: 'recordFailure',
            params: ({ event }) => toFailure(event.error),
          },
        },
      },
      on: {
        SET_OUTPUT: {
          actions: { type: 'rejectCommand', params: ({ event }) => event },
        },
      },
    },
  },
});

/** Sends SET_OUTPUT for each relay command on the bus. */
export const shellyBridge: Bridge<Context, Event> = (context, send) => {
  const bus = context.deps.bus;
  const onSet = (cmd: { on: boolean }) =>
    send({ type: 'SET_OUTPUT', on: cmd.on });
  bus.on('shelly.setOutput', onSet);
  return () => bus.off('shelly.setOutput', onSet);
};
