/**
 * `Map`, `Set` and `WeakMap` backed by arrays, for Espruino, which has none
 * of them. Lookups are linear, which suits the small collections XState
 * keeps (a few dozen entries at most).
 *
 * Iteration follows the standard where XState relies on it: entries added
 * during a loop are visited, and entries deleted during a loop are skipped
 * without shifting the others. A deleted slot keeps a marker until no
 * iterator is open, then the arrays are compacted.
 *
 * The device has 16,383 variables for code and data, and XState keeps
 * dozens of these collections. So the three classes are plain constructors
 * that share one set of methods. A collection keeps its arrays and counters
 * on itself and creates them on first use, and a `Set` keeps no second array
 * for its values. Iterators are small objects with shared methods, not
 * closures.
 *
 * NOTE: keys compare with `===`, so a `NaN` key is never found, and the
 * `WeakMap` keeps its keys alive until they are deleted.
 */
import { ITERATOR, toArray } from './iteration';

/** Marks a deleted slot. */
const HOLE = {};

/**
 * The fields of a collection: the keys (a `Set`'s items), the values of a
 * `Map` or `WeakMap`, the count of deleted slots not compacted yet and the
 * count of open iterators. An absent field means empty or 0.
 */
interface Store {
  _keys?: unknown[];
  _values?: unknown[];
  _holes?: number;
  _open?: number;
}

interface Step {
  value: unknown;
  done: boolean;
}

/** Part of a slot that an iterator returns: key, value or both. */
const KEYS = 0;
const VALUES = 1;
const ENTRIES = 2;

function indexOf(store: Store, key: unknown): number {
  return store._keys ? store._keys.indexOf(key) : -1;
}

/** Returns the value in slot `at`. A `Set` keeps its items only in `_keys`. */
function valueAt(store: Store, at: number): unknown {
  return store._values ? store._values[at] : (store._keys as unknown[])[at];
}

/** Drops deleted slots, but never under an open iterator. */
function compact(store: Store): void {
  if (store._open || !store._holes) return;
  const keys = store._keys as unknown[];
  const values = store._values;
  const liveKeys: unknown[] = [];
  const liveValues: unknown[] = [];
  for (let i = 0; i < keys.length; i++) {
    if (keys[i] === HOLE) continue;
    liveKeys.push(keys[i]);
    if (values) liveValues.push(values[i]);
  }
  delete store._holes;
  if (liveKeys.length === 0) {
    delete store._keys;
    delete store._values;
    return;
  }
  store._keys = liveKeys;
  if (values) store._values = liveValues;
}

/** Inserts or replaces; `values` is true for a `Map` or `WeakMap`. */
function put(store: Store, key: unknown, value: unknown, values: boolean) {
  const at = indexOf(store, key);
  if (at >= 0) {
    if (values) (store._values as unknown[])[at] = value;
    return;
  }
  compact(store);
  if (!store._keys) store._keys = [];
  store._keys.push(key);
  if (values) {
    if (!store._values) store._values = [];
    store._values.push(value);
  }
}

/** Marks slot `at` deleted. */
function clearSlot(store: Store, at: number): void {
  (store._keys as unknown[])[at] = HOLE;
  if (store._values) store._values[at] = undefined;
  store._holes = (store._holes || 0) + 1;
}

/** Creates an iterator over the live slots of `store`, open until exhausted. */
function Cursor(this: CursorState, store: Store, kind: number) {
  this.store = store;
  this.index = 0;
  this.kind = kind;
  store._open = (store._open || 0) + 1;
}

interface CursorState {
  store: Store | null;
  index: number;
  kind: number;
}

function closeCursor(cursor: CursorState): Step {
  const store = cursor.store;
  if (store) {
    cursor.store = null;
    store._open = (store._open as number) - 1;
    if (!store._open) delete store._open;
    compact(store);
  }
  return { value: undefined, done: true };
}

Cursor.prototype.next = function next(this: CursorState): Step {
  const store = this.store;
  while (store && store._keys && this.index < store._keys.length) {
    const at = this.index++;
    const key = store._keys[at];
    if (key === HOLE) continue;
    let value: unknown = key;
    if (this.kind === VALUES) value = valueAt(store, at);
    if (this.kind === ENTRIES) value = [key, valueAt(store, at)];
    return { value, done: false };
  }
  return closeCursor(this);
};
Cursor.prototype['return'] = function close(this: CursorState): Step {
  return closeCursor(this);
};
Cursor.prototype[ITERATOR] = function iterator(this: CursorState) {
  return this;
};

type CursorClass = new (
  store: Store,
  kind: number,
) => CursorState & {
  next(): Step;
};

function open(store: Store, kind: number) {
  return new (Cursor as unknown as CursorClass)(store, kind);
}

function hasKey(this: Store, key: unknown): boolean {
  return indexOf(this, key) >= 0;
}

function deleteKey(this: Store, key: unknown): boolean {
  const at = indexOf(this, key);
  if (at < 0) return false;
  clearSlot(this, at);
  compact(this);
  return true;
}

function clearAll(this: Store): void {
  const keys = this._keys || [];
  for (let i = 0; i < keys.length; i++) {
    if (keys[i] !== HOLE) clearSlot(this, i);
  }
  compact(this);
}

function sizeOf(this: Store): number {
  return this._keys ? this._keys.length - (this._holes || 0) : 0;
}

function forEachEntry(
  this: Store,
  visit: (value: unknown, key: unknown, owner: Store) => void,
  thisArg?: unknown,
): void {
  const it = open(this, KEYS);
  try {
    for (let step = it.next(); !step.done; step = it.next()) {
      visit.call(thisArg, valueAt(this, it.index - 1), step.value, this);
    }
  } finally {
    closeCursor(it);
  }
}

function keyCursor(this: Store) {
  return open(this, KEYS);
}

function valueCursor(this: Store) {
  return open(this, VALUES);
}

function entryCursor(this: Store) {
  return open(this, ENTRIES);
}

function getValue(this: Store, key: unknown): unknown {
  const at = indexOf(this, key);
  return at < 0 ? undefined : valueAt(this, at);
}

function setValue(this: Store, key: unknown, value: unknown) {
  put(this, key, value, true);
  return this;
}

function addItem(this: Store, item: unknown) {
  put(this, item, item, false);
  return this;
}

function ArrayMap(this: Store, entries?: unknown) {
  if (entries === null || entries === undefined) return;
  const list = toArray(entries);
  for (let i = 0; i < list.length; i++) {
    const pair = list[i] as [unknown, unknown];
    put(this, pair[0], pair[1], true);
  }
}

function ArraySet(this: Store, items?: unknown) {
  if (items === null || items === undefined) return;
  const list = toArray(items);
  for (let i = 0; i < list.length; i++) put(this, list[i], list[i], false);
}

function ArrayWeakMap() {}

type Bag = Record<string, unknown>;

/** Gives `owner` the methods and the `size` getter in `methods`. */
function withMethods(owner: unknown, methods: Bag, sized: boolean): unknown {
  const proto = (owner as { prototype: Bag }).prototype;
  for (const name in methods) proto[name] = methods[name];
  proto.constructor = owner as Function;
  if (sized) Object.defineProperty(proto, 'size', { get: sizeOf });
  return owner;
}

/** Creates the polyfill classes, which use no built-in `Map`, `Set` or `WeakMap`. */
export function createCollectionClasses() {
  const mapMethods: Bag = {
    get: getValue,
    set: setValue,
    has: hasKey,
    delete: deleteKey,
    clear: clearAll,
    forEach: forEachEntry,
    keys: keyCursor,
    values: valueCursor,
    entries: entryCursor,
  };
  mapMethods[ITERATOR] = entryCursor;
  const setMethods: Bag = {
    add: addItem,
    has: hasKey,
    delete: deleteKey,
    clear: clearAll,
    forEach: forEachEntry,
    keys: valueCursor,
    values: valueCursor,
    entries: entryCursor,
  };
  setMethods[ITERATOR] = valueCursor;
  const weakMapMethods: Bag = {
    get: getValue,
    set: setValue,
    has: hasKey,
    delete: deleteKey,
  };
  return {
    Map: withMethods(ArrayMap, mapMethods, true),
    Set: withMethods(ArraySet, setMethods, true),
    WeakMap: withMethods(ArrayWeakMap, weakMapMethods, false),
  };
}
