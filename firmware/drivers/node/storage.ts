/**
 * FileStore over a folder on disk, standing in for the SD card. Paths are
 * relative to `root` and must stay inside it.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FileStore } from '../storage';

export function createNodeFileStore(root: string): FileStore {
  const base = path.resolve(root);

  function resolve(rel: string): string {
    const full = path.resolve(base, rel);
    if (full !== base && !full.startsWith(base + path.sep)) {
      throw new Error('path outside the card root: ' + rel);
    }
    return full;
  }

  function size(rel: string): number {
    try {
      return fs.statSync(resolve(rel)).size;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return -1;
      throw err;
    }
  }

  function readRange(
    rel: string,
    offset: number,
    bytes: number,
  ): string | null {
    let fd: number;
    try {
      fd = fs.openSync(resolve(rel), 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    try {
      const buf = Buffer.alloc(bytes);
      const n = fs.readSync(fd, buf, 0, bytes, offset);
      return buf.subarray(0, n).toString('utf8');
    } finally {
      fs.closeSync(fd);
    }
  }

  return {
    mount() {
      fs.mkdirSync(path.join(base, 'logs'), { recursive: true });
      fs.accessSync(base, fs.constants.W_OK);
    },
    append(rel, text) {
      fs.appendFileSync(resolve(rel), text);
    },
    read(rel) {
      try {
        return fs.readFileSync(resolve(rel), 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw err;
      }
    },
    size,
    readTail(rel, bytes) {
      const total = size(rel);
      if (total < 0) return null;
      const start = Math.max(0, total - bytes);
      return readRange(rel, start, total - start);
    },
    readRange,
    truncate(rel, bytes) {
      fs.truncateSync(resolve(rel), bytes);
    },
    list(dir) {
      try {
        return fs.readdirSync(resolve(dir));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw err;
      }
    },
    mkdir(dir) {
      fs.mkdirSync(resolve(dir), { recursive: true });
    },
    write(rel, text) {
      fs.writeFileSync(resolve(rel), text);
    },
  };
}
