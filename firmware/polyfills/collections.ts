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
 * NOTE: keys compare with `===`, so a `NaN` key is never found, and the
 * `WeakMap` keeps its keys alive until they are deleted.
 */
import { ITERATOR } from './iteration';

/** Marks a deleted slot. */
const HOLE = {};

interface Step<T> {
  value: T | undefined;
  done: boolean;
}

interface Cursor<T> {
  next(): Step<T>;
  return(): Step<T>;
}

class Slots<K, V> {
  keys: (K | typeof HOLE)[] = [];
  values: V[] = [];
  holes = 0;
  open = 0;

  size(): number {
    return this.keys.length - this.holes;
  }

  find(key: K): number {
    return this.keys.indexOf(key);
  }

  put(key: K, value: V): void {
    const at = this.find(key);
    if (at >= 0) {
      this.values[at] = value;
      return;
    }
    this.compact();
    this.keys.push(key);
    this.values.push(value);
  }

  remove(key: K): boolean {
    const at = this.find(key);
    if (at < 0) return false;
    this.keys[at] = HOLE;
    this.values[at] = undefined as V;
    this.holes += 1;
    this.compact();
    return true;
  }

  clear(): void {
    for (let i = 0; i < this.keys.length; i++) {
      if (this.keys[i] !== HOLE) this.holes += 1;
      this.keys[i] = HOLE;
      this.values[i] = undefined as V;
    }
    this.compact();
  }

  /** Drops deleted slots, but never under an open iterator. */
  compact(): void {
    if (this.open > 0 || this.holes === 0) return;
    const keys: (K | typeof HOLE)[] = [];
    const values: V[] = [];
    for (let i = 0; i < this.keys.length; i++) {
      if (this.keys[i] === HOLE) continue;
      keys.push(this.keys[i]);
      values.push(this.values[i]);
    }
    this.keys = keys;
    this.values = values;
    this.holes = 0;
  }

  /** An iterator over live slots; `pick` turns a slot into the value. */
  cursor<T>(pick: (key: K, value: V) => T): Cursor<T> {
    const slots = this;
    let index = 0;
    let closed = false;
    slots.open += 1;
    const close = (): Step<T> => {
      if (!closed) {
        closed = true;
        slots.open -= 1;
        slots.compact();
      }
      return { value: undefined, done: true };
    };
    const cursor = {
      next(): Step<T> {
        while (!closed && index < slots.keys.length) {
          const at = index++;
          const key = slots.keys[at];
          if (key !== HOLE) {
            return { value: pick(key as K, slots.values[at]), done: false };
          }
        }
        return close();
      },
      return: close,
    };
    (cursor as Record<string, unknown>)[ITERATOR] = () => cursor;
    return cursor;
  }

  each(visit: (key: K, value: V) => void): void {
    const it = this.cursor((key: K, value: V) => [key, value] as [K, V]);
    for (let step = it.next(); !step.done; step = it.next()) {
      const pair = step.value as [K, V];
      visit(pair[0], pair[1]);
    }
  }
}

function fill(
  add: (item: unknown) => void,
  items: unknown,
  toArray: (items: unknown) => unknown[],
): void {
  if (items === null || items === undefined) return;
  const list = toArray(items);
  for (let i = 0; i < list.length; i++) add(list[i]);
}

export function createMapClass(toArray: (items: unknown) => unknown[]) {
  class ArrayMap<K, V> {
    private slots = new Slots<K, V>();

    constructor(entries?: unknown) {
      fill(
        (pair) => this.set((pair as [K, V])[0], (pair as [K, V])[1]),
        entries,
        toArray,
      );
    }

    get size(): number {
      return this.slots.size();
    }
    get(key: K): V | undefined {
      const at = this.slots.find(key);
      return at < 0 ? undefined : this.slots.values[at];
    }
    set(key: K, value: V): this {
      this.slots.put(key, value);
      return this;
    }
    has(key: K): boolean {
      return this.slots.find(key) >= 0;
    }
    delete(key: K): boolean {
      return this.slots.remove(key);
    }
    clear(): void {
      this.slots.clear();
    }
    forEach(visit: (value: V, key: K, map: ArrayMap<K, V>) => void): void {
      this.slots.each((key, value) => visit(value, key, this));
    }
    keys() {
      return this.slots.cursor((key: K) => key);
    }
    values() {
      return this.slots.cursor((_key: K, value: V) => value);
    }
    entries() {
      return this.slots.cursor((key: K, value: V) => [key, value]);
    }
    '@@iterator'() {
      return this.entries();
    }
  }
  return ArrayMap;
}

export function createSetClass(toArray: (items: unknown) => unknown[]) {
  class ArraySet<T> {
    private slots = new Slots<T, T>();

    constructor(items?: unknown) {
      fill((item) => this.add(item as T), items, toArray);
    }

    get size(): number {
      return this.slots.size();
    }
    add(item: T): this {
      this.slots.put(item, item);
      return this;
    }
    has(item: T): boolean {
      return this.slots.find(item) >= 0;
    }
    delete(item: T): boolean {
      return this.slots.remove(item);
    }
    clear(): void {
      this.slots.clear();
    }
    forEach(visit: (value: T, same: T, set: ArraySet<T>) => void): void {
      this.slots.each((item) => visit(item, item, this));
    }
    values() {
      return this.slots.cursor((item: T) => item);
    }
    keys() {
      return this.values();
    }
    entries() {
      return this.slots.cursor((item: T) => [item, item]);
    }
    '@@iterator'() {
      return this.values();
    }
  }
  return ArraySet;
}

export function createWeakMapClass() {
  class ArrayWeakMap<K extends object, V> {
    private slots = new Slots<K, V>();

    get(key: K): V | undefined {
      const at = this.slots.find(key);
      return at < 0 ? undefined : this.slots.values[at];
    }
    set(key: K, value: V): this {
      this.slots.put(key, value);
      return this;
    }
    has(key: K): boolean {
      return this.slots.find(key) >= 0;
    }
    delete(key: K): boolean {
      return this.slots.remove(key);
    }
  }
  return ArrayWeakMap;
}
