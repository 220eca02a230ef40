/**
 * SD log actor: writes queued rows to the day files in batches.
 *
 * - `off` until `log.setEnabled {enabled: true}`; then `mounting` connects
 *   the card and goes `idle`.
 * - Rows arrive on the bus into a queue of at most `maxQueue`, and overflow
 *   drops the oldest and counts it. The first row of a batch starts a
 *   `flushMs` timer, which sends FLUSH, so a state change happens once per
 *   batch, not once per reading.
 * - `writing` appends the batch; success goes `ok`. A failure goes
 *   `retrying` (back-off `retryMs * 2^(failures-1)`, at most `maxRetryMs`);
 *   from `remountAfter` failures on, `remounting` reconnects the card first.
 * - `log.setEnabled {enabled: false}` writes what is queued, then goes `off`;
 *   rows that could not be written stay queued for the next start.
 * - Emits `log.statusChanged` on every state change and on every drop.
 */
import { assign, fromPromise, setup } from 'xstate';
import type { Bus } from '../bus/bus';
import type { LogStatus } from '../bus/events';
import type { Timers } from '../drivers/platform';
import type { FileStore } from '../drivers/storage';
import type { Writer } from '../lib/log-files';
import {
  dropMarkers,
  settleDropMarkers,
  startIntake,
  type LogQueueData,
} from '../lib/log-intake';
import type { PendingRow } from '../lib/log-files';
import type { Logger } from '../lib/logger';
import type { Bridge } from '../lib/run-actor';
import type { Stamp } from '../lib/poll-session';

export interface LogQueueDeps {
  bus: Bus;
  log: Logger;
  store: FileStore;
  writer: Writer;
  timers: Timers;
  data: LogQueueData;
  stamp: () => Stamp;
  enabled: boolean;
  maxQueue: number;
  flushMs: number;
  retryMs: number;
  maxRetryMs: number;
  remountAfter: number;
}

interface Context {
  deps: LogQueueDeps;
  failures: number;
}

type Event =
  | { type: 'FLUSH' }
  | { type: 'DROPPED' }
  | { type: 'ENABLE' }
  | { type: 'DISABLE' };

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function emitStatus(ctx: Context, status: LogStatus): void {
  const d = ctx.deps.data;
  d.status = status;
  ctx.deps.bus.emit('log.statusChanged', {
    status,
    queueLength: d.pending.length,
    dropped: d.dropped,
    written: d.written,
    lastError: d.lastError,
    file: d.file,
  });
}

/** Write every queued row; rows leave the queue only once both files took them. */
function writeQueued(deps: LogQueueDeps): number {
  const data = deps.data;
  const batch = data.pending.slice();
  const markers = dropMarkers(data);
  const rows: PendingRow[] = [];
  if (markers.csv) rows.push(markers.csv);
  if (markers.jsonl) rows.push(markers.jsonl);
  if (batch.length + rows.length === 0) return 0;
  try {
    data.file = deps.writer.write(rows.concat(batch));
  } finally {
    settleDropMarkers(data, markers);
    let done = 0;
    while (
      done < batch.length &&
      batch[done].csvDone &&
      batch[done].jsonlDone
    ) {
      done++;
    }
    data.pending.splice(0, done);
    data.written += done;
  }
  return batch.length;
}

export const logQueueMachine = setup({
  types: {} as { context: Context; events: Event; input: LogQueueDeps },
  actors: {
    // Plain promises, not `async`, which costs a generator runtime on
    // Espruino. A throw in the executor rejects the promise.
    mount: fromPromise(
      ({ input }: { input: LogQueueDeps }) =>
        new Promise<void>((resolve) => {
          input.store.mount();
          input.store.mkdir('logs');
          input.writer.reset();
          resolve();
        }),
    ),
    write: fromPromise(
      ({ input }: { input: LogQueueDeps }) =>
        new Promise<number>((resolve) => resolve(writeQueued(input))),
    ),
  },
  guards: {
    hasPending: ({ context }) => context.deps.data.pending.length > 0,
    shouldRemount: ({ context }) =>
      context.failures >= context.deps.remountAfter,
  },
  actions: {
    setEnabled: ({ context }, enabled: boolean) => {
      context.deps.data.enabled = enabled;
      context.deps.log.info(enabled ? 'logging started' : 'logging stopped', {
        queued: context.deps.data.pending.length,
      });
    },
    recordError: assign({
      failures: ({ context }, message: string) => {
        context.deps.data.lastError = message;
        context.deps.log.error('log write failed', {
          error: message,
          failures: context.failures + 1,
          queued: context.deps.data.pending.length,
        });
        return context.failures + 1;
      },
    }),
    clearError: assign({
      failures: ({ context }) => {
        context.deps.data.lastError = null;
        return 0;
      },
    }),
    status: ({ context }, status: LogStatus) => emitStatus(context, status),
    repeatStatus: ({ context }) =>
      emitStatus(context, context.deps.data.status),
  },
  delays: {
    retry: ({ context }) => {
      const d = context.deps;
      const exp = d.retryMs * Math.pow(2, Math.max(0, context.failures - 1));
      return Math.min(exp, d.maxRetryMs);
    },
  },
}).createMachine({
  id: 'logQueue',
  context: ({ input }) => ({ deps: input, failures: 0 }),
  initial: 'start',
  states: {
    start: {
      always: [
        { guard: ({ context }) => context.deps.enabled, target: 'mounting' },
        { target: 'off' },
      ],
    },
    off: {
      entry: [
        { type: 'setEnabled', params: false },
        { type: 'status', params: 'off' },
      ],
      on: { ENABLE: 'mounting' },
    },
    mounting: {
      entry: [
        { type: 'setEnabled', params: true },
        { type: 'status', params: 'idle' },
      ],
      invoke: {
        src: 'mount',
        input: ({ context }) => context.deps,
        onDone: { target: 'idle', actions: 'clearError' },
        onError: {
          target: 'retrying',
          actions: {
            type: 'recordError',
            params: ({ event }) => errorText(event.error),
          },
        },
      },
    },
    idle: {
      entry: { type: 'status', params: 'idle' },
      always: { guard: 'hasPending', target: 'writing' },
      on: { FLUSH: { guard: 'hasPending', target: 'writing' } },
    },
    writing: {
      entry: { type: 'status', params: 'writing' },
      invoke: {
        src: 'write',
        input: ({ context }) => context.deps,
        onDone: { target: 'ok', actions: 'clearError' },
        onError: {
          target: 'retrying',
          actions: {
            type: 'recordError',
            params: ({ event }) => errorText(event.error),
          },
        },
      },
    },
    ok: {
      entry: { type: 'status', params: 'ok' },
      always: { guard: 'hasPending', target: 'writing' },
      on: { FLUSH: { guard: 'hasPending', target: 'writing' } },
    },
    retrying: {
      entry: { type: 'status', params: 'error' },
      // Queued rows keep arriving while the card fails; report the queue.
      on: { FLUSH: { actions: 'repeatStatus' } },
      after: {
        retry: [
          { guard: 'shouldRemount', target: 'remounting' },
          { target: 'writing' },
        ],
      },
    },
    remounting: {
      entry: ({ context }) =>
        context.deps.log.warn('remounting the card', {
          failures: context.failures,
        }),
      invoke: {
        src: 'mount',
        input: ({ context }) => context.deps,
        onDone: 'writing',
        onError: {
          target: 'retrying',
          actions: {
            type: 'recordError',
            params: ({ event }) => errorText(event.error),
          },
        },
      },
    },
    stopping: {
      invoke: {
        src: 'write',
        input: ({ context }) => context.deps,
        onDone: 'off',
        onError: 'off',
      },
    },
  },
  on: {
    DISABLE: '.stopping',
    DROPPED: { actions: 'repeatStatus' },
  },
});

/**
 * Queues the readings from the bus and sends FLUSH, DROPPED, ENABLE and
 * DISABLE (see `startIntake`).
 */
export const logQueueBridge: Bridge<Context, Event> = (context, send) => {
  const deps = context.deps;
  return startIntake({
    bus: deps.bus,
    log: deps.log,
    timers: deps.timers,
    data: deps.data,
    stamp: deps.stamp,
    maxQueue: deps.maxQueue,
    flushMs: deps.flushMs,
    onFlush: () => send({ type: 'FLUSH' }),
    onDrop: () => send({ type: 'DROPPED' }),
    onEnable: (on) => send({ type: on ? 'ENABLE' : 'DISABLE' }),
  });
};
