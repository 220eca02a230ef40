/**
 * Web server actor: keeps the HTTP server listening.
 *
 * - `starting`: calls the driver's `listen` with the request handler.
 *   Success goes `listening`, failure (e.g. the port is in use) `failed`.
 * - `listening`: emits `server.started` with the URLs and logs them.
 * - `failed`: logs the error and waits `retryMs` (default 5 s), then tries
 *   `starting` again, without limit.
 * - Stopping the actor closes the driver in any state, so a listen still in
 *   flight is closed too.
 */
import { assign, fromPromise, setup } from 'xstate';
import type { Bus } from '../bus/bus';
import type { HttpServerDriver, RequestHandler } from '../drivers/http-server';
import type { Timers } from '../drivers/platform';
import type { Logger } from '../lib/logger';
import type { Bridge } from '../lib/run-actor';

export interface ServerDeps {
  bus: Bus;
  log: Logger;
  driver: HttpServerDriver;
  handler: RequestHandler;
  timers: Timers;
  /** Delay before listening again after a failure, in ms. */
  retryMs?: number;
}

interface Context {
  deps: ServerDeps;
  attempts: number;
  startedAt: number;
}

function errorFields(err: unknown): { error: string; code: string | null } {
  const e = err as { message?: unknown; code?: unknown };
  return {
    error: typeof e?.message === 'string' ? e.message : String(err),
    code: typeof e?.code === 'string' ? e.code : null,
  };
}

export const serverMachine = setup({
  types: {} as { context: Context; input: ServerDeps },
  actors: {
    listen: fromPromise(({ input }: { input: ServerDeps }) =>
      input.driver.listen(input.handler),
    ),
  },
  actions: {
    beginAttempt: assign({
      attempts: ({ context }) => context.attempts + 1,
      startedAt: ({ context }) => context.deps.timers.now(),
    }),
    logStarting: ({ context }) => {
      context.deps.log.info('server starting', { attempt: context.attempts });
    },
    announceListening: ({ context }, urls: string[]) => {
      const deps = context.deps;
      deps.log.info('server listening', {
        urls,
        startupMs: deps.timers.now() - context.startedAt,
      });
      deps.bus.emit('server.started', { urls });
    },
    logFailure: ({ context }, params: { error: unknown }) => {
      const fields = errorFields(params.error);
      context.deps.log.error('server failed to listen, retrying', {
        attempt: context.attempts,
        retryInMs: context.deps.retryMs ?? 5000,
        error: fields.error,
        code: fields.code,
      });
      context.deps.bus.emit('server.listenFailed', {
        attempt: context.attempts,
        code: fields.code,
        message: fields.error,
      });
    },
  },
  delays: {
    retry: ({ context }) => context.deps.retryMs ?? 5000,
  },
}).createMachine({
  id: 'server',
  context: ({ input }) => ({ deps: input, attempts: 0, startedAt: 0 }),
  initial: 'starting',
  states: {
    starting: {
      entry: ['beginAttempt', 'logStarting'],
      invoke: {
        src: 'listen',
        input: ({ context }) => context.deps,
        onDone: {
          target: 'listening',
          actions: {
            type: 'announceListening',
            params: ({ event }) => event.output,
          },
        },
        onError: {
          target: 'failed',
          actions: {
            type: 'logFailure',
            params: ({ event }) => ({ error: event.error }),
          },
        },
      },
    },
    listening: {},
    failed: {
      after: { retry: 'starting' },
    },
  },
});

/** Closes the server when the actor stops. */
export const serverBridge: Bridge<Context, never> = (context) => () => {
  const deps = context.deps;
  deps.driver.close().then(
    () => deps.log.info('server stopped'),
    (err) => deps.log.error('server close failed', errorFields(err)),
  );
};
