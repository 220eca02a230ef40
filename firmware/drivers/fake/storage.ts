/**
 * An in-memory `FileStore` for tests. It behaves like a FAT card through
 * Espruino's `fs`: a file can only be created in an existing folder, and
 * sizes are UTF-8 byte counts. Set `fail = true` to make every call throw
 * `Error('card missing')`, as a pulled card does.
 */
import type { FileStore } from '../storage';

export interface MemoryFileStore extends FileStore {
  /** When true, every call throws `Error('card missing')`. */
  fail: boolean;
  /** File contents by normalized path, e.g. `logs/2026-01-01.csv`. */
  files: Record<string, string>;
  /** Existing folders by normalized path, with '' for the root. */
  dirs: Record<string, true>;
  /** Number of successful `mount()` calls. */
  mounts: number;
}

/** Strip leading, trailing and repeated slashes: `/a//b/` becomes `a/b`. */
function normalize(path: string): string {
  const parts = path.split('/').filter((part) => part !== '');
  return parts.join('/');
}

function parentOf(path: string): string {
  const cut = path.lastIndexOf('/');
  return cut < 0 ? '' : path.slice(0, cut);
}

function charBytes(code: number): number {
  if (code < 0x80) return 1;
  if (code < 0x800) return 2;
  if (code >= 0xd800 && code <= 0xdfff) return 2; // half of a 4-byte pair
  return 3;
}

export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) bytes += charBytes(text.charCodeAt(i));
  return bytes;
}

/** Returns the longest prefix of `text` that fits in `bytes` UTF-8 bytes. */
function headBytes(text: string, bytes: number): string {
  let used = 0;
  let i = 0;
  while (i < text.length && used + charBytes(text.charCodeAt(i)) <= bytes) {
    used += charBytes(text.charCodeAt(i));
    i++;
  }
  return text.slice(0, i);
}

/** Returns `text` without its first `bytes` UTF-8 bytes. */
function dropBytes(text: string, bytes: number): string {
  return text.slice(headBytes(text, bytes).length);
}

/** Returns the longest suffix of `text` that fits in `bytes` UTF-8 bytes. */
function tailBytes(text: string, bytes: number): string {
  let used = 0;
  let i = text.length;
  while (i > 0 && used + charBytes(text.charCodeAt(i - 1)) <= bytes) {
    used += charBytes(text.charCodeAt(i - 1));
    i--;
  }
  return text.slice(i);
}

export function createMemoryFileStore(
  initial: Record<string, string> = {},
): MemoryFileStore {
  // The functions below read `store` only when called, after it is built.

  function check(): void {
    if (store.fail) throw new Error('card missing');
  }

  function requireFolder(path: string): void {
    const parent = parentOf(path);
    if (!store.dirs[parent]) {
      throw new Error('folder not found: ' + (parent || '/'));
    }
  }

  function mount(): void {
    check();
    store.mounts++;
  }

  function append(path: string, text: string): void {
    check();
    const key = normalize(path);
    requireFolder(key);
    store.files[key] = (store.files[key] ?? '') + text;
  }

  function write(path: string, text: string): void {
    check();
    const key = normalize(path);
    requireFolder(key);
    store.files[key] = text;
  }

  function read(path: string): string | null {
    check();
    const text = store.files[normalize(path)];
    return text === undefined ? null : text;
  }

  function size(path: string): number {
    check();
    const text = store.files[normalize(path)];
    return text === undefined ? -1 : utf8Length(text);
  }

  function readTail(path: string, bytes: number): string | null {
    check();
    const text = store.files[normalize(path)];
    return text === undefined ? null : tailBytes(text, bytes);
  }

  function readRange(
    path: string,
    offset: number,
    bytes: number,
  ): string | null {
    check();
    const text = store.files[normalize(path)];
    if (text === undefined) return null;
    return headBytes(dropBytes(text, offset), bytes);
  }

  function truncate(path: string, bytes: number): void {
    check();
    const key = normalize(path);
    const text = store.files[key];
    if (text === undefined) throw new Error('file not found: ' + key);
    store.files[key] = headBytes(text, bytes);
  }

  function list(dir: string): string[] {
    check();
    const key = normalize(dir);
    if (!store.dirs[key]) return [];
    const names: string[] = [];
    const all = Object.keys(store.files).concat(Object.keys(store.dirs));
    for (const path of all) {
      if (path !== '' && parentOf(path) === key) {
        names.push(path.slice(key === '' ? 0 : key.length + 1));
      }
    }
    return names.sort();
  }

  /** Creates the folder and any missing parents; an existing one is fine. */
  function mkdir(dir: string): void {
    check();
    const parts = normalize(dir).split('/');
    let path = '';
    for (const part of parts) {
      path = path === '' ? part : path + '/' + part;
      if (store.files[path] !== undefined) {
        throw new Error('a file is in the way of folder: ' + path);
      }
      store.dirs[path] = true;
    }
  }

  const store: MemoryFileStore = {
    fail: false,
    files: {},
    dirs: { '': true },
    mounts: 0,
    mount,
    append,
    read,
    size,
    readTail,
    readRange,
    truncate,
    list,
    mkdir,
    write,
  };

  for (const path of Object.keys(initial)) {
    mkdir(parentOf(normalize(path)) || '');
    write(path, initial[path]);
  }
  return store;
}
