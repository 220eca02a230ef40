/**
 * The iteration protocol without `Symbol`: iterable objects have a method
 * named `@@iterator`, the name Babel's ES5 helpers fall back to when
 * `Symbol` is missing, as it is on Espruino.
 */
export const ITERATOR = '@@iterator';

interface Iterator {
  next(): { value?: unknown; done?: boolean };
}

/** Returns the iterator of `items`, or null when it has none. */
function iteratorOf(items: unknown): Iterator | null {
  const bag = items as Record<string, unknown>;
  const make = bag[ITERATOR];
  if (typeof make === 'function') return make.call(items) as Iterator;
  const symbol = (globalThis as unknown as { Symbol?: { iterator?: string } })
    .Symbol;
  const key = symbol && symbol.iterator;
  if (key && typeof bag[key] === 'function') {
    return (bag[key] as () => Iterator).call(items);
  }
  return null;
}

/** Copies an array, a string, an iterable or an array-like into an array. */
export function toArray(items: unknown): unknown[] {
  if (Array.isArray(items)) return items.slice();
  if (typeof items === 'string') return items.split('');
  const out: unknown[] = [];
  const it = items === null || items === undefined ? null : iteratorOf(items);
  if (it) {
    for (let step = it.next(); !step.done; step = it.next())
      out.push(step.value);
    return out;
  }
  const like = items as { length?: number } & Record<number, unknown>;
  const length = like && typeof like.length === 'number' ? like.length : 0;
  for (let i = 0; i < length; i++) out.push(like[i]);
  return out;
}
