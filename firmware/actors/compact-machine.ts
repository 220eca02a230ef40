/**
 * Shrinks built XState machine definitions for the device, where every
 * variable counts (see docs/espruino.md).
 */
import type { AnyStateMachine } from 'xstate';

type Transition = Record<string, unknown>;

/** The parts of an XState 5.33 state node that `compactMachine` touches. */
interface StateNodeParts {
  id: string;
  config: Record<string, unknown>;
  states: Record<string, StateNodeParts>;
  initial: Transition | true;
  transitions: Map<string, Transition[]>;
  always?: Transition[];
  entry: unknown[];
  exit: unknown[];
  tags: unknown[];
  invoke: Record<string, unknown>[];
}

/** Deletes the properties of `object` whose value is `undefined`. */
function dropUndefined(object: Record<string, unknown>): void {
  for (const key of Object.keys(object)) {
    if (object[key] === undefined) delete object[key];
  }
}

/**
 * Config keys that XState 5.33 still reads after `createMachine` returns:
 * `context` when an actor starts, `target` of history states, and `id`.
 * It also reads `invoke` to resolve inline actor logic (a `src` that is
 * not a name), so that stays only where such an invoke exists.
 */
const CONFIG_KEYS_READ_LATER = ['id', 'context', 'target'];

/**
 * Drops what XState 5.33 no longer reads from the node's invoke
 * definitions (its `invoke` getter keeps them cached): `onDone` and
 * `onError` became transitions while building. Returns true when one of
 * them runs inline logic, whose `src` is resolved from the config.
 */
function compactInvokes(node: StateNodeParts): boolean {
  let inline = false;
  for (const def of node.invoke) {
    delete def.onDone;
    delete def.onError;
    dropUndefined(def);
    if (String(def.src).indexOf('xstate.invoke.') === 0) inline = true;
  }
  return inline;
}

/** One empty array and object for every node and transition that has none. */
interface Shared {
  list: unknown[];
  object: Record<string, never>;
  transitions: Map<string, Transition[]>;
}

function shareEmpty<T>(value: T, empty: T): T {
  if (Array.isArray(value)) return value.length === 0 ? empty : value;
  return Object.keys(value as object).length === 0 ? empty : value;
}

/**
 * Compacts one built transition. XState 5.33 reads `reenter` only for its
 * truth, so `false` reads the same as absent. It never changes `actions`,
 * so an empty list can be shared.
 */
function compactTransition(t: Transition, shared: Shared): void {
  dropUndefined(t);
  if (t.reenter === false) delete t.reenter;
  if (t.actions) t.actions = shareEmpty(t.actions as unknown[], shared.list);
}

function compactNode(node: StateNodeParts, shared: Shared): void {
  // A plain read, because Espruino 2v29 skips the getter in `void x.y`.
  const initial = node.config.initial === undefined || node.initial;
  if (!initial) throw new Error('initial state of ' + node.id + ' not found');
  if (initial !== true) compactTransition(initial, shared);
  const readLater: Record<string, unknown> = {};
  for (const key of CONFIG_KEYS_READ_LATER) {
    if (node.config[key] !== undefined) readLater[key] = node.config[key];
  }
  if (compactInvokes(node)) readLater.invoke = node.config.invoke;
  node.config = shareEmpty(readLater, shared.object);
  if (node.transitions.size === 0) node.transitions = shared.transitions;
  node.transitions.forEach((list) =>
    list.forEach((t) => compactTransition(t, shared)),
  );
  if (node.always) node.always.forEach((t) => compactTransition(t, shared));
  node.entry = shareEmpty(node.entry, shared.list);
  node.exit = shareEmpty(node.exit, shared.list);
  node.tags = shareEmpty(node.tags, shared.list);
  node.states = shareEmpty(node.states, shared.object);
  dropUndefined(node as unknown as Record<string, unknown>);
  for (const key of Object.keys(node.states)) {
    compactNode(node.states[key], shared);
  }
}

/**
 * Drops the state configs that a built machine no longer reads, which
 * freed 766 of the about 8,700 variables the device's seven machines
 * cost on Espruino. XState 5.33
 * copies `on`, `always`, `after`, `entry`, `exit` and the child states into
 * its state nodes and transition objects while building, and reads
 * `initial` once, lazily, so that is computed here first. Properties
 * whose value is `undefined` read the same when absent, and each costs a
 * variable, so they go too. Empty lists and objects, which XState only
 * reads once the machine is built, are shared by all nodes.
 *
 * NOTE: `machine.provide()` rebuilds from `machine.config` and must not be
 * called on a compacted machine. Only the device entry compacts, and it
 * never calls `provide()`.
 */
export function compactMachine(machine: AnyStateMachine): void {
  const shared: Shared = {
    list: [],
    object: {},
    transitions: new Map<string, Transition[]>(),
  };
  const root = machine.root as unknown as StateNodeParts;
  compactNode(root, shared);
  (machine as unknown as { config: unknown }).config = root.config;
}
