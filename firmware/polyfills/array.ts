/** `Array.from`, `flat` and `flatMap`, which Espruino lacks. */
import { toArray } from './iteration';

export function arrayFrom(
  items: unknown,
  map?: (value: unknown, index: number) => unknown,
  thisArg?: unknown,
): unknown[] {
  const out = toArray(items);
  if (!map) return out;
  for (let i = 0; i < out.length; i++) out[i] = map.call(thisArg, out[i], i);
  return out;
}

function flatten(into: unknown[], items: unknown[], depth: number): void {
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (Array.isArray(item) && depth > 0) flatten(into, item, depth - 1);
    else into.push(item);
  }
}

export function flat(this: unknown[], depth?: number): unknown[] {
  const out: unknown[] = [];
  flatten(out, this, depth === undefined ? 1 : depth);
  return out;
}

export function flatMap(
  this: unknown[],
  map: (value: unknown, index: number, array: unknown[]) => unknown,
  thisArg?: unknown,
): unknown[] {
  const out: unknown[] = [];
  for (let i = 0; i < this.length; i++) {
    const item = map.call(thisArg, this[i], i, this);
    if (Array.isArray(item)) flatten(out, item, 0);
    else out.push(item);
  }
  return out;
}
