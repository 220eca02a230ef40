/**
 * Starts a machine as an actor, reports its state changes on the bus as
 * `machine.transitioned` (the live statechart view), and restarts it after
 * `restartMs` when it stops with an error, so one failing actor does not
 * take the logger down.
 */
import {
  createActor,
  type AnyActorRef,
  type AnyStateMachine,
  type InputFrom,
} from 'xstate';
import type { Bus } from '../bus/bus';
import type { Timers } from '../drivers/platform';
import type { Logger } from './logger';

export interface RunningActor {
  name: string;
  state(): string;
  send(event: { type: string }): void;
  stop(): void;
}

/** Flatten a state value such as `{ online: 'polling' }` to `online.polling`. */
export function stateString(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const parts: string[] = [];
    for (const key of Object.keys(value)) {
      const inner = stateString((value as Record<string, unknown>)[key]);
      parts.push(inner ? key + '.' + inner : key);
    }
    return parts.join(',');
  }
  return '';
}

export interface RunOptions {
  bus: Bus;
  log: Logger;
  timers: Timers;
  restartMs?: number;
  /** XState clock for delayed transitions; tests pass a simulated one. */
  clock?: {
    setTimeout(fn: (...args: unknown[]) => void, ms: number): unknown;
    clearTimeout(id: unknown): void;
  };
}

export function runMachine<M extends AnyStateMachine>(
  name: string,
  machine: M,
  input: InputFrom<M>,
  o: RunOptions,
): RunningActor {
  let actor: AnyActorRef | null = null;
  let stopped = false;
  let restartTimer: unknown = null;
  let state = '';
  const restartMs = o.restartMs === undefined ? 5000 : o.restartMs;

  function start(): void {
    restartTimer = null;
    if (stopped) return;
    let lastEvent = 'xstate.init';
    const options: Parameters<typeof createActor>[1] = {
      input,
      inspect: (ev) => {
        if (ev.type === '@xstate.event' && ev.actorRef === ref)
          lastEvent = ev.event.type;
      },
    };
    // An explicit `clock: undefined` would replace XState's default clock.
    if (o.clock) options.clock = o.clock as never;
    const ref = createActor(machine, options as never);
    ref.subscribe({
      next: (snapshot) => {
        const next = stateString((snapshot as { value: unknown }).value);
        if (next === state) return;
        state = next;
        o.bus.emit('machine.transitioned', {
          machine: name,
          state,
          event: lastEvent,
        });
      },
      error: (err) => {
        o.log.error('actor failed, restarting', {
          actor: name,
          error: (err as Error).message,
          restartMs,
        });
        state = 'failed';
        o.bus.emit('machine.transitioned', {
          machine: name,
          state,
          event: 'error',
        });
        if (!stopped) restartTimer = o.timers.setTimeout(start, restartMs);
      },
    });
    actor = ref;
    o.log.info('actor started', { actor: name });
    ref.start();
  }

  start();

  return {
    name,
    state: () => state,
    send: (event) => actor?.send(event),
    stop: () => {
      stopped = true;
      if (restartTimer !== null) o.timers.clearTimeout(restartTimer);
      actor?.stop();
      o.log.info('actor stopped', { actor: name });
    },
  };
}
