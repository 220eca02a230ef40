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
  type ContextFrom,
  type EventFrom,
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

/**
 * Connects a started actor to the world outside it (bus subscriptions,
 * timers) and returns the function that disconnects it. Machines export
 * one beside themselves in place of an invoked callback actor at their
 * root, because on Espruino each child actor costs about 170 variables.
 */
export type Bridge<C, E> = (context: C, send: (event: E) => void) => () => void;

/** Starts `actor`, then connects `bridge` to it; returns the disconnect. */
export function startBridged<M extends AnyStateMachine>(
  actor: { start(): void; send(event: EventFrom<M>): void } & {
    getSnapshot(): { status: string; context: ContextFrom<M> };
  },
  bridge: Bridge<ContextFrom<M>, EventFrom<M>> | undefined,
): () => void {
  actor.start();
  const snapshot = actor.getSnapshot();
  if (!bridge || snapshot.status !== 'active') return () => {};
  return bridge(snapshot.context, (event) => actor.send(event));
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
  /**
   * Root actors started with the same object share one XState system, whose
   * clock is the first actor's. Only the device bundle's XState is patched to
   * join it (`scripts/rollup/share-xstate-system.mjs`). Elsewhere each actor
   * still creates its own system.
   */
  system?: ActorSystem;
}

/** The XState system that root actors share, and each actor's last event. */
export interface ActorSystem {
  system: AnyActorRef['system'] | null;
  lastEvents: Map<object, string>;
}

export function createActorSystem(): ActorSystem {
  return { system: null, lastEvents: new Map() };
}

/**
 * Records the type of each event an actor receives (the init event
 * included), for the actors listed in `shared.lastEvents`. One inspection
 * observer per system serves all of them.
 */
function joinSystem(shared: ActorSystem, ref: AnyActorRef): void {
  shared.lastEvents.set(ref, 'xstate.init');
  if (ref.system === shared.system) return;
  shared.system = ref.system;
  const lastEvents = shared.lastEvents;
  ref.system.inspect((ev) => {
    if (ev.type === '@xstate.event' && lastEvents.has(ev.actorRef)) {
      lastEvents.set(ev.actorRef, ev.event.type);
    }
  });
}

export function runMachine<M extends AnyStateMachine>(
  name: string,
  machine: M,
  input: InputFrom<M>,
  o: RunOptions,
  bridge?: Bridge<ContextFrom<M>, EventFrom<M>>,
): RunningActor {
  let actor: AnyActorRef | null = null;
  let disconnect = (): void => {};
  let stopped = false;
  let restartTimer: unknown = null;
  let state = '';
  const restartMs = o.restartMs === undefined ? 5000 : o.restartMs;
  const shared = o.system ?? createActorSystem();

  function start(): void {
    restartTimer = null;
    if (stopped) return;

    const options: Record<string, unknown> = { input };
    if (shared.system) options.system = shared.system;
    // An explicit `clock: undefined` would replace XState's default clock.
    if (o.clock) options.clock = o.clock;
    const ref = createActor(machine, options as never);
    joinSystem(shared, ref);

    ref.subscribe({
      next: (snapshot) => {
        const next = stateString((snapshot as { value: unknown }).value);
        if (next === state) return;
        state = next;
        o.bus.emit('machine.transitioned', {
          machine: name,
          state,
          event: shared.lastEvents.get(ref) ?? 'xstate.init',
        });
      },
      error: (err) => {
        disconnect();
        disconnect = () => {};
        shared.lastEvents.delete(ref);
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
    disconnect = startBridged<M>(ref as never, bridge);
  }

  start();

  return {
    name,
    state: () => state,
    send: (event) => actor?.send(event),
    stop: () => {
      stopped = true;
      if (restartTimer !== null) o.timers.clearTimeout(restartTimer);
      if (actor) {
        actor.stop();
        disconnect();
        shared.lastEvents.delete(actor);
      }
      o.log.info('actor stopped', { actor: name });
    },
  };
}
