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
 * Function that connects a started actor to the world outside it (bus
 * subscriptions, timers) and returns the function that disconnects it.
 * Machines export one beside themselves in place of an invoked callback
 * actor at their root, because on Espruino an actor costs about 200
 * variables (207 measured for a trivial one).
 */
export type Bridge<C, E> = (context: C, send: (event: E) => void) => () => void;

/** Starts `actor`, then connects `bridge` to it. Returns the disconnect. */
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

/**
 * A started machine that reports its state changes and restarts after
 * failing. Its methods live on the prototype, because on Espruino a set of
 * closures per actor costs about 40 variables more (an estimate).
 */
class SupervisedActor<M extends AnyStateMachine> implements RunningActor {
  readonly name: string;
  private readonly machine: M;
  private readonly input: InputFrom<M>;
  private readonly o: RunOptions;
  private readonly bridge?: Bridge<ContextFrom<M>, EventFrom<M>>;
  private readonly restartMs: number;
  private readonly shared: ActorSystem;
  private actor: AnyActorRef | null = null;
  private disconnect: (() => void) | null = null;
  private stopped = false;
  private restartTimer: unknown = null;
  private current = '';

  constructor(
    name: string,
    machine: M,
    input: InputFrom<M>,
    o: RunOptions,
    bridge?: Bridge<ContextFrom<M>, EventFrom<M>>,
  ) {
    this.name = name;
    this.machine = machine;
    this.input = input;
    this.o = o;
    this.bridge = bridge;
    this.restartMs = o.restartMs === undefined ? 5000 : o.restartMs;
    this.shared = o.system ?? createActorSystem();
    this.start();
  }

  state(): string {
    return this.current;
  }

  send(event: { type: string }): void {
    if (this.actor) this.actor.send(event);
  }

  stop(): void {
    this.stopped = true;
    if (this.restartTimer !== null)
      this.o.timers.clearTimeout(this.restartTimer);
    if (this.actor) {
      this.actor.stop();
      this.disconnectBridge();
      this.shared.lastEvents.delete(this.actor);
    }
    this.o.log.info('actor stopped', { actor: this.name });
  }

  private start(): void {
    this.restartTimer = null;
    if (this.stopped) return;

    const options: Record<string, unknown> = { input: this.input };
    if (this.shared.system) options.system = this.shared.system;
    // An explicit `clock: undefined` would replace XState's default clock.
    if (this.o.clock) options.clock = this.o.clock;
    const ref = createActor(this.machine, options as never);
    joinSystem(this.shared, ref);
    ref.subscribe({
      next: (snapshot) => this.report(ref, snapshot as { value: unknown }),
      error: (err) => this.fail(ref, err),
    });

    this.actor = ref;
    this.o.log.info('actor started', { actor: this.name });
    this.disconnect = startBridged<M>(ref as never, this.bridge);
  }

  private disconnectBridge(): void {
    const disconnect = this.disconnect;
    this.disconnect = null;
    if (disconnect) disconnect();
  }

  private report(ref: AnyActorRef, snapshot: { value: unknown }): void {
    const next = stateString(snapshot.value);
    if (next === this.current) return;
    this.current = next;
    this.o.bus.emit('machine.transitioned', {
      machine: this.name,
      state: next,
      event: this.shared.lastEvents.get(ref) ?? 'xstate.init',
    });
  }

  private fail(ref: AnyActorRef, err: unknown): void {
    this.disconnectBridge();
    this.shared.lastEvents.delete(ref);
    this.o.log.error('actor failed, restarting', {
      actor: this.name,
      error: (err as Error).message,
      restartMs: this.restartMs,
    });
    this.current = 'failed';
    this.o.bus.emit('machine.transitioned', {
      machine: this.name,
      state: 'failed',
      event: 'error',
    });
    if (!this.stopped) {
      this.restartTimer = this.o.timers.setTimeout(
        () => this.start(),
        this.restartMs,
      );
    }
  }
}

export function runMachine<M extends AnyStateMachine>(
  name: string,
  machine: M,
  input: InputFrom<M>,
  o: RunOptions,
  bridge?: Bridge<ContextFrom<M>, EventFrom<M>>,
): RunningActor {
  return new SupervisedActor(name, machine, input, o, bridge);
}
