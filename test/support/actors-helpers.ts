/** Event recorders, a capturing logger and a fake network for actor tests. */
import {
  createActor,
  type Actor,
  type ActorOptions,
  type AnyStateMachine,
  type ContextFrom,
  type EventFrom,
} from 'xstate';

import type { Bus } from '../../firmware/bus/bus';
import type { EventName, Events } from '../../firmware/bus/events';
import type { Network } from '../../firmware/drivers/platform';
import { startBridged, type Bridge } from '../../firmware/lib/run-actor';
import {
  createLogger,
  type Level,
  type Logger,
  type LogRecord,
} from '../../firmware/lib/logger';

/** Subscribes to one event type and returns the payloads in arrival order. */
export function recordEvents<K extends EventName>(
  bus: Bus,
  type: K,
): Events[K][] {
  const payloads: Events[K][] = [];
  bus.on(type, (payload) => {
    payloads.push(payload);
  });
  return payloads;
}

export interface CapturingLogger {
  log: Logger;
  records: LogRecord[];
}

/** Creates a logger whose sink keeps every record at or above `minLevel`. */
export function createCapturingLogger(
  minLevel: Level = 'debug',
): CapturingLogger {
  const records: LogRecord[] = [];
  const log = createLogger((record) => records.push(record), minLevel);
  return { log, records };
}

export interface FakeNetwork extends Network {
  /** Addresses that the next `addresses()` call returns. */
  ips: string[];
  /** Error that `addresses()` throws while it is set. */
  failure: Error | null;
  ssidValue: string | null;
  /** Error that `ssid()` throws while it is set. */
  ssidFailure: Error | null;
}

export function createFakeNetwork(ips: string[] = []): FakeNetwork {
  const network: FakeNetwork = {
    ips,
    failure: null,
    ssidValue: null,
    ssidFailure: null,
    addresses() {
      if (network.failure) throw network.failure;
      return network.ips.slice();
    },
    ssid() {
      if (network.ssidFailure) throw network.ssidFailure;
      return network.ssidValue;
    },
  };
  return network;
}

/** Returns the last element, and throws when the list is empty. */
export function last<T>(items: T[]): T {
  if (items.length === 0) throw new Error('expected at least one item');
  return items[items.length - 1];
}

/**
 * Creates an actor whose `start()` also connects `bridge` and whose
 * `stop()` disconnects it, as `runMachine` does.
 */
export function bridgedActor<M extends AnyStateMachine>(
  machine: M,
  bridge: Bridge<ContextFrom<M>, EventFrom<M>>,
  options: ActorOptions<M>,
): Actor<M> {
  const actor = createActor(machine, options as never) as Actor<M>;
  const start = actor.start.bind(actor);
  const stop = actor.stop.bind(actor);
  let disconnect = (): void => {};
  actor.start = () => {
    disconnect = startBridged<M>(
      {
        start,
        send: (event) => actor.send(event),
        getSnapshot: () => actor.getSnapshot(),
      },
      bridge,
    );
    return actor;
  };
  actor.stop = () => {
    stop();
    disconnect();
    return actor;
  };
  return actor;
}
