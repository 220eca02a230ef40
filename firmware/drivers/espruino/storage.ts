/**
 * `FileStore` over Espruino's `fs` and `E.openFile`: the SD card on the
 * device, a folder in the Linux build.
 *
 * - `mount()` calls `connect` (on the device `E.connectSDCard` again, which
 *   unmounts first, so it also recovers a card that was pulled and put
 *   back), then creates `logs/`.
 * - Espruino copies each path into a 64-byte buffer on the device, so a
 *   full path longer than `maxPathLength` throws here with the path named.
 * - Ranges are read with `E.openFile(path, 'r')`, `seek` and `read`.
 * - Espruino's `fs` has no truncate or rename, so `truncate` copies the
 *   kept bytes to a temporary file and back.
 */
import type { EspruinoE, EspruinoFile, FsModule } from '../espruino';
import type { FileStore } from '../storage';
import type { OpenFile } from './static-files';

export interface SdStoreOptions {
  E: EspruinoE;
  fs: FsModule;
  /** Connects the card; throws when it cannot. A no-op where none is. */
  connect: () => void;
  /** Folder prefix of every path, e.g. 'data/sd'; '' for the card root. */
  root: string;
  /** Maximum full path length the file layer accepts: 63 on the device. */
  maxPathLength: number;
}

export interface SdFileStore extends FileStore {
  /** Opens a file for streaming, or returns null when it is missing. */
  openRead(path: string): OpenFile | null;
}

/** Bytes copied per step by `truncate`. */
const COPY_CHUNK_BYTES = 512;

function segmentsOf(path: string): string[] {
  return path.split('/').filter((part) => part !== '' && part !== '.');
}

export function createSdFileStore(options: SdStoreOptions): SdFileStore {
  const fs = options.fs;
  const E = options.E;
  const rootParts = segmentsOf(options.root);

  /** Joins the root and `path` into the path Espruino gets, checking its length. */
  function full(path: string): string {
    const joined = rootParts.concat(segmentsOf(path)).join('/');
    if (joined.length > options.maxPathLength) {
      throw new Error(
        'path too long for the file layer (' +
          joined.length +
          ' characters, max ' +
          options.maxPathLength +
          '): ' +
          joined,
      );
    }
    return joined;
  }

  function statOf(fullPath: string) {
    return fs.statSync(fullPath);
  }

  /** Creates `fullDir` and its missing parents. */
  function makeDirs(fullDir: string): void {
    const parts = segmentsOf(fullDir);
    let prefix = '';
    for (let i = 0; i < parts.length; i++) {
      prefix = prefix === '' ? parts[i] : prefix + '/' + parts[i];
      const stat = fs.statSync(prefix);
      if (stat && stat.dir) continue;
      if (stat) {
        throw new Error(
          'cannot create folder ' + prefix + ': a file has that name',
        );
      }
      fs.mkdirSync(prefix);
    }
  }

  function openAt(fullPath: string, offset: number): EspruinoFile {
    const file = E.openFile(fullPath, 'r');
    if (offset > 0) file.seek(offset);
    return file;
  }

  function readRange(path: string, offset: number, bytes: number) {
    const fullPath = full(path);
    const stat = statOf(fullPath);
    if (!stat || stat.dir) return null;
    if (bytes <= 0 || offset >= stat.size) return '';
    const file = openAt(fullPath, offset);
    try {
      return file.read(bytes) || '';
    } finally {
      file.close();
    }
  }

  /** Copies the first `bytes` bytes of one file into a new other file. */
  function copyHead(from: string, to: string, bytes: number): void {
    const source = E.openFile(from, 'r');
    try {
      const target = E.openFile(to, 'w');
      try {
        let left = bytes;
        while (left > 0) {
          const chunk = source.read(Math.min(COPY_CHUNK_BYTES, left));
          if (!chunk) break;
          target.write(chunk);
          left -= chunk.length;
        }
      } finally {
        target.close();
      }
    } finally {
      source.close();
    }
  }

  function checked(done: boolean, text: string, operation: string): void {
    if (!done && text.length > 0) throw new Error(operation + ' failed');
  }

  const store: SdFileStore = {
    mount() {
      options.connect();
      makeDirs(full('logs'));
    },
    append(path, text) {
      const fullPath = full(path);
      checked(fs.appendFileSync(fullPath, text), text, 'append to ' + path);
    },
    write(path, text) {
      const fullPath = full(path);
      checked(fs.writeFileSync(fullPath, text), text, 'write of ' + path);
    },
    read(path) {
      const fullPath = full(path);
      const stat = statOf(fullPath);
      if (!stat || stat.dir) return null;
      if (stat.size === 0) return '';
      return fs.readFileSync(fullPath) || '';
    },
    size(path) {
      const stat = statOf(full(path));
      return stat && !stat.dir ? stat.size : -1;
    },
    readTail(path, bytes) {
      const size = store.size(path);
      if (size < 0) return null;
      const start = Math.max(0, size - bytes);
      return readRange(path, start, size - start);
    },
    readRange,
    truncate(path, bytes) {
      const fullPath = full(path);
      const stat = statOf(fullPath);
      if (!stat || stat.dir) throw new Error('file not found: ' + path);
      if (bytes >= stat.size) return;
      const temporary = full(path + '~');
      copyHead(fullPath, temporary, bytes);
      copyHead(temporary, fullPath, bytes);
      fs.unlinkSync(temporary);
    },
    list(dir) {
      const fullPath = full(dir);
      // FatFs has no directory entry for the card root, so it is not checked.
      if (fullPath !== '') {
        const stat = statOf(fullPath);
        if (!stat || !stat.dir) return [];
      }
      const names = fs.readdirSync(fullPath) || [];
      return names.filter((name) => name !== '.' && name !== '..');
    },
    mkdir(dir) {
      makeDirs(full(dir));
    },
    openRead(path) {
      try {
        const fullPath = full(path);
        const stat = statOf(fullPath);
        if (!stat || stat.dir) return null;
        const file = E.openFile(fullPath, 'r');
        return {
          size: stat.size,
          read: (bytes: number) => file.read(bytes),
          close: () => file.close(),
        };
      } catch {
        return null;
      }
    },
  };
  return store;
}
