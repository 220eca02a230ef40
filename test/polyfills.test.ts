/**
 * The polyfills of `firmware/polyfills/` on Node, used directly rather than
 * installed: the iteration order and the changes during iteration that
 * XState relies on, and the `AbortController` subset.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { MinimalAbortController } from '../firmware/polyfills/abort';
import { arrayFrom } from '../firmware/polyfills/array';
import { createCollectionClasses } from '../firmware/polyfills/collections';
import { ITERATOR, toArray } from '../firmware/polyfills/iteration';

interface Step {
  value: unknown;
  done: boolean;
}

interface Cursor {
  next(): Step;
  return(): Step;
}

interface PolyMap {
  size: number;
  get(key: unknown): unknown;
  set(key: unknown, value: unknown): PolyMap;
  has(key: unknown): boolean;
  delete(key: unknown): boolean;
  clear(): void;
  forEach(
    visit: (value: unknown, key: unknown, map: PolyMap) => void,
    thisArg?: unknown,
  ): void;
  keys(): Cursor;
  values(): Cursor;
  entries(): Cursor;
}

interface PolySet {
  size: number;
  add(item: unknown): PolySet;
  has(item: unknown): boolean;
  delete(item: unknown): boolean;
  clear(): void;
  forEach(visit: (value: unknown, same: unknown, set: PolySet) => void): void;
  keys(): Cursor;
  values(): Cursor;
  entries(): Cursor;
}

const classes = createCollectionClasses();
const PMap = classes.Map as new (entries?: unknown) => PolyMap;
const PSet = classes.Set as new (items?: unknown) => PolySet;
const PWeakMap = classes.WeakMap as new () => PolyMap;

function drain(cursor: Cursor): unknown[] {
  const out: unknown[] = [];
  for (let step = cursor.next(); !step.done; step = cursor.next())
    out.push(step.value);
  return out;
}

function iterate(owner: object): Cursor {
  return (owner as Record<string, () => Cursor>)[ITERATOR]();
}

const test = suite('polyfills');

test('map keeps insertion order', () => {
  const map = new PMap([
    ['b', 1],
    ['a', 2],
  ]);
  map.set('c', 3);
  map.set('b', 4);
  assert.equal(drain(map.keys()), ['b', 'a', 'c']);
  assert.equal(drain(map.values()), [4, 2, 3]);
  assert.equal(drain(iterate(map)), [
    ['b', 4],
    ['a', 2],
    ['c', 3],
  ]);
  assert.is(map.size, 3);
});

test('map get, has and delete', () => {
  const key = {};
  const map = new PMap();
  assert.is(map.size, 0);
  assert.is(map.get(key), undefined);
  assert.is(map.set(key, 'x'), map);
  assert.is(map.get(key), 'x');
  assert.ok(map.has(key));
  assert.not.ok(map.has({}));
  assert.ok(map.delete(key));
  assert.not.ok(map.delete(key));
  assert.not.ok(map.has(key));
  assert.is(map.size, 0);
  assert.equal(drain(map.entries()), []);
});

test('map skips entries deleted during iteration', () => {
  const map = new PMap([
    [1, 'a'],
    [2, 'b'],
    [3, 'c'],
    [4, 'd'],
  ]);
  const seen: unknown[] = [];
  const it = map.keys();
  for (let step = it.next(); !step.done; step = it.next()) {
    seen.push(step.value);
    if (step.value === 1) {
      map.delete(1);
      map.delete(3);
    }
  }
  assert.equal(seen, [1, 2, 4]);
  assert.equal(drain(map.keys()), [2, 4]);
  assert.is(map.size, 2);
});

test('map visits entries added during iteration', () => {
  const map = new PMap([[1, 'a']]);
  const seen: unknown[] = [];
  map.forEach((_value, key) => {
    seen.push(key);
    if ((key as number) < 3) map.set((key as number) + 1, 'n');
  });
  assert.equal(seen, [1, 2, 3]);
});

test('map entry deleted and added again moves last', () => {
  const map = new PMap([
    ['a', 1],
    ['b', 2],
  ]);
  const seen: unknown[] = [];
  const it = map.keys();
  for (let step = it.next(); !step.done; step = it.next()) {
    seen.push(step.value);
    if (step.value === 'a' && seen.length === 1) {
      map.delete('a');
      map.set('a', 3);
    }
  }
  assert.equal(seen, ['a', 'b', 'a']);
  assert.equal(drain(map.entries()), [
    ['b', 2],
    ['a', 3],
  ]);
});

test('map clear during iteration ends it', () => {
  const map = new PMap([
    [1, 1],
    [2, 2],
  ]);
  const seen: unknown[] = [];
  const it = map.keys();
  for (let step = it.next(); !step.done; step = it.next()) {
    seen.push(step.value);
    map.clear();
  }
  assert.equal(seen, [1]);
  assert.is(map.size, 0);
  map.set(5, 5);
  assert.equal(drain(map.keys()), [5]);
});

test('map iterator closed early allows compaction', () => {
  const map = new PMap([
    [1, 1],
    [2, 2],
    [3, 3],
  ]);
  const it = map.keys();
  assert.equal(it.next(), { value: 1, done: false });
  assert.equal(it.return(), { value: undefined, done: true });
  assert.equal(it.next(), { value: undefined, done: true });
  map.delete(2);
  map.set(4, 4);
  assert.equal(drain(map.keys()), [1, 3, 4]);
  assert.is(map.size, 3);
});

test('map forEach passes value, key, map and thisArg', () => {
  const map = new PMap([['k', 'v']]);
  const calls: unknown[][] = [];
  const self = { name: 'self' };
  map.forEach(function (this: unknown, value, key, owner) {
    calls.push([value, key, owner === map, this]);
  }, self);
  assert.equal(calls, [['v', 'k', true, self]]);
});

test('map forEach error leaves map usable', () => {
  const map = new PMap([
    [1, 1],
    [2, 2],
  ]);
  assert.throws(() =>
    map.forEach(() => {
      throw new Error('visit failed');
    }),
  );
  map.delete(1);
  map.set(3, 3);
  assert.equal(drain(map.keys()), [2, 3]);
});

test('map built from a polyfilled map', () => {
  const first = new PMap([
    ['a', 1],
    ['b', 2],
  ]);
  const copy = new PMap(first);
  assert.equal(drain(copy.entries()), [
    ['a', 1],
    ['b', 2],
  ]);
  assert.is(copy.size, 2);
});

test('set keeps order and has no duplicates', () => {
  const set = new PSet(['b', 'a', 'b']);
  set.add('c');
  set.add('a');
  assert.is(set.size, 3);
  assert.equal(drain(set.values()), ['b', 'a', 'c']);
  assert.equal(drain(set.keys()), ['b', 'a', 'c']);
  assert.equal(drain(iterate(set)), ['b', 'a', 'c']);
  assert.equal(drain(set.entries()), [
    ['b', 'b'],
    ['a', 'a'],
    ['c', 'c'],
  ]);
});

test('set changes during forEach', () => {
  const set = new PSet([1, 2, 3]);
  const seen: unknown[] = [];
  set.forEach((value, same, owner) => {
    seen.push([value, same, owner === set]);
    if (value === 1) {
      set.delete(2);
      set.add(4);
    }
  });
  assert.equal(seen, [
    [1, 1, true],
    [3, 3, true],
    [4, 4, true],
  ]);
  assert.ok(set.has(4));
  assert.not.ok(set.has(2));
  assert.is(set.size, 3);
});

test('set delete and clear', () => {
  const set = new PSet([1, 2]);
  assert.is(set.add(3), set);
  assert.ok(set.delete(1));
  assert.not.ok(set.delete(1));
  assert.equal(drain(set.values()), [2, 3]);
  set.clear();
  assert.is(set.size, 0);
  assert.equal(drain(set.values()), []);
  set.add(1);
  assert.equal(drain(set.values()), [1]);
});

test('weak map get, set, has, delete', () => {
  const a = {};
  const b = {};
  const map = new PWeakMap();
  assert.is(map.set(a, 1), map);
  map.set(b, 2);
  map.set(a, 3);
  assert.is(map.get(a), 3);
  assert.is(map.get(b), 2);
  assert.ok(map.delete(a));
  assert.not.ok(map.has(a));
  assert.is(map.get(a), undefined);
  assert.ok(map.has(b));
});

test('array from polyfilled collections', () => {
  const set = new PSet(['x', 'y']);
  assert.equal(arrayFrom(set), ['x', 'y']);
  assert.equal(
    arrayFrom(set, (v, i) => String(v) + i),
    ['x0', 'y1'],
  );
  assert.equal(toArray(new PMap([[1, 2]])), [[1, 2]]);
});

test('abort controller fires once', () => {
  const controller = new MinimalAbortController();
  const signal = controller.signal;
  const events: string[] = [];
  assert.is(signal.aborted, false);
  assert.is(signal.reason, undefined);
  assert.is(signal.onabort, null);
  signal.throwIfAborted();
  signal.onabort = (e) => events.push('onabort ' + e.type);
  const listener = (e: { type: string }) => events.push('listener ' + e.type);
  const removed = () => events.push('removed');
  signal.addEventListener('abort', listener);
  signal.addEventListener('abort', removed);
  signal.removeEventListener('abort', removed);
  controller.abort('why');
  controller.abort('again');
  assert.equal(events, ['onabort abort', 'listener abort']);
  assert.is(signal.aborted, true);
  assert.is(signal.reason, 'why');
  assert.throws(
    () => signal.throwIfAborted(),
    (err: unknown) => err === 'why',
  );
});

test('abort controller default reason', () => {
  const controller = new MinimalAbortController();
  controller.abort();
  assert.instance(controller.signal.reason, Error);
});

test.run();
