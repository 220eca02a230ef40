/**
 * Fakes of Espruino's file APIs over a temporary folder, as the Linux build
 * behaves (2v29): `require('fs')`, `E.openFile` and `require('Storage')`.
 * Strings are byte strings, so files are read and written as latin1.
 *
 * - `readdirSync` lists `.` and `..` too, and returns undefined for a
 *   missing folder; `statSync` returns undefined for a missing path.
 * - `readFileSync` and `E.openFile(path, 'r')` throw "Could not open file"
 *   for a missing file; `appendFileSync` and `writeFileSync` throw when the
 *   folder is missing.
 * - An open file's `read(n)` returns undefined at the end of the file.
 */
import fs from 'node:fs';
import path from 'node:path';

function openError(file: string): Error {
  return new Error('Could not open file : ' + file);
}

export function createFakeFs(root: string) {
  const at = (p: string) => path.join(root, p);
  return {
    readdirSync(dir: string) {
      try {
        return ['.', '..'].concat(fs.readdirSync(at(dir)));
      } catch {
        return undefined;
      }
    },
    readFileSync(file: string) {
      try {
        return fs.readFileSync(at(file), 'latin1');
      } catch {
        throw openError(file);
      }
    },
    appendFileSync(file: string, data: string) {
      try {
        fs.appendFileSync(at(file), data, 'latin1');
      } catch {
        throw openError(file);
      }
      return true;
    },
    writeFileSync(file: string, data: string) {
      try {
        fs.writeFileSync(at(file), data, 'latin1');
      } catch {
        throw openError(file);
      }
      return true;
    },
    statSync(file: string) {
      try {
        const s = fs.statSync(at(file));
        return { size: s.size, dir: s.isDirectory(), mtime: s.mtime };
      } catch {
        return undefined;
      }
    },
    mkdirSync(dir: string) {
      try {
        fs.mkdirSync(at(dir));
        return true;
      } catch {
        return false;
      }
    },
    unlinkSync(file: string) {
      try {
        fs.unlinkSync(at(file));
        return true;
      } catch {
        return false;
      }
    },
  };
}

/** `E.openFile(path, mode)` with modes `r`, `w` and `a`. */
export function createOpenFile(root: string) {
  return (file: string, mode: string) => {
    const full = path.join(root, file);
    const flags = mode === 'r' || mode === 'a' ? mode : 'w';
    let fd: number;
    try {
      fd = fs.openSync(full, flags);
    } catch {
      throw openError(file);
    }
    let position = mode === 'a' ? fs.fstatSync(fd).size : 0;
    return {
      read(length: number): string | undefined {
        const buffer = Buffer.alloc(length);
        const n = fs.readSync(fd, buffer, 0, length, position);
        position += n;
        return n > 0 ? buffer.subarray(0, n).toString('latin1') : undefined;
      },
      seek(to: number) {
        position = to;
      },
      write(data: string): number {
        const n = fs.writeSync(
          fd,
          Buffer.from(data, 'latin1'),
          0,
          undefined,
          position,
        );
        position += n;
        return n;
      },
      close() {
        fs.closeSync(fd);
      },
    };
  };
}

/** `require('Storage')` over an in-memory map of files. */
export function createFakeStorage(files: Record<string, string>) {
  return {
    read: (name: string) => files[name],
    readJSON(name: string, noExceptions?: boolean) {
      const text = files[name];
      if (text === undefined) return undefined;
      try {
        return JSON.parse(text);
      } catch (err) {
        if (noExceptions) return undefined;
        throw err;
      }
    },
    write(name: string, data: string) {
      files[name] = data;
      return true;
    },
    writeJSON(name: string, value: unknown) {
      files[name] = JSON.stringify(value);
      return true;
    },
    erase(name: string) {
      delete files[name];
    },
    list: () => Object.keys(files),
    getFree: () => 262144,
  };
}
