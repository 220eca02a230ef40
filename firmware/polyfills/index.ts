/**
 * Installs the built-ins Espruino lacks and the firmware, XState or mitt
 * use, each only where the runtime has none, so the same bundle also runs
 * where they exist. This module must run before any other module of the
 * bundle; the build imports it first.
 */
import { MinimalAbortController } from './abort';
import { arrayFrom, flat, flatMap } from './array';
import { createCollectionClasses } from './collections';
import { dateUtc } from './date';
import { toArray } from './iteration';
import { fromEntries, installObjectCreate } from './object';

type Bag = Record<string, unknown>;

function install(owner: unknown, name: string, value: unknown): void {
  const bag = owner as Bag;
  if (typeof bag[name] === 'undefined') bag[name] = value;
}

installObjectCreate();

const root = globalThis as unknown as Bag;
const collections = createCollectionClasses();
install(root, 'Map', collections.Map);
install(root, 'Set', collections.Set);
install(root, 'WeakMap', collections.WeakMap);
install(root, 'AbortController', MinimalAbortController);
install(Array, 'from', arrayFrom);
install(Array.prototype, 'flat', flat);
install(Array.prototype, 'flatMap', flatMap);
install(Date, 'UTC', dateUtc);
(Object as unknown as Bag).fromEntries = (entries: unknown) =>
  fromEntries(entries, toArray);
install(Number, 'isNaN', (value: unknown) => value !== value);
install(Object, 'is', (a: unknown, b: unknown) =>
  a === b
    ? a !== 0 || 1 / (a as number) === 1 / (b as number)
    : a !== a && b !== b,
);
