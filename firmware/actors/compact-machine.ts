/**
 * Shrinks built XState machine definitions for the device, where every
 * variable counts (see docs/espruino.md).
 */
import type { AnyStateMachine } from 'xstate';

/** The parts of an XState 5.33 state node that `compactMachine` touches. */
interface StateNodeParts {
  id: string;
  config: Record<string, unknown>;
  states: Record<string, StateNodeParts>;
  initial: unknown;
  transitions: Map<string, Record<string, unknown>[]>;
  always?: Record<string, unknown>[];
}

/** Deletes the properties of `object` whose value is `undefined`. */
function dropUndefined(object: Record<string, unknown>): void {
  for (const key of Object.keys(object)) {
    if (object[key] === undefined) delete object[key];
  }
}

/**
 * Config keys that XState 5.33 still reads after `createMachine` returns:
 * `context` when an actor starts, `target` of history states, `invoke` to
 * resolve inline actor logic, and `id`.
 */
const CONFIG_KEYS_READ_LATER = ['id', 'context', 'target', 'invoke'];

/**
 * Drops the state configs that a built machine no longer reads, which
 * freed 766 of the about 8,700 variables the device's seven machines
 * cost on Espruino. XState 5.33
 * copies `on`, `always`, `after`, `entry`, `exit` and the child states into
 * its state nodes and transition objects while building, and reads
 * `initial` once, lazily, so that is computed here first. Properties
 * whose value is `undefined` read the same when absent, and each costs a
 * variable, so they go too.
 *
 * NOTE: `machine.provide()` rebuilds from `machine.config` and must not be
 * called on a compacted machine. Only the device entry compacts, and it
 * never calls `provide()`.
 */
export function compactMachine(machine: AnyStateMachine): void {
  // XState 5.33 only reads `transitions` after building, so every node
  // without transitions can share one empty map.
  const noTransitions = new Map<string, Record<string, unknown>[]>();
  const compactNode = (node: StateNodeParts): void => {
    // A plain read, because Espruino 2v29 skips the getter in `void x.y`.
    const initial = node.config.initial === undefined || node.initial;
    if (!initial) throw new Error('initial state of ' + node.id + ' not found');
    const readLater: Record<string, unknown> = {};
    for (const key of CONFIG_KEYS_READ_LATER) {
      if (node.config[key] !== undefined) readLater[key] = node.config[key];
    }
    node.config = readLater;
    if (node.transitions.size === 0) node.transitions = noTransitions;
    node.transitions.forEach((list) => list.forEach(dropUndefined));
    if (node.always) node.always.forEach(dropUndefined);
    dropUndefined(node as unknown as Record<string, unknown>);
    for (const key of Object.keys(node.states)) compactNode(node.states[key]);
  };
  const root = machine.root as unknown as StateNodeParts;
  compactNode(root);
  (machine as unknown as { config: unknown }).config = root.config;
}
