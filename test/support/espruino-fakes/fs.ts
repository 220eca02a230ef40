/**
 * A fake SD card behind Espruino's `E.connectSDCard`, `E.openFile` and
 * `require('fs')`, following libs/filesystem (2v29):
 *
 * - The card mounts on first use after `connectSDCard`; with no card that
 *   throws "Unable to mount media : NOT_READY".
 * - A card pulled while mounted makes every call throw DISK_ERR, and
 *   `statSync` return undefined, until `connectSDCard` is called again.
 * - Paths of 64 characters or more throw "File path too long".
 * - `readdirSync` lists "." and ".." too, and `mkdirSync` throws when the
 *   folder exists.
 * - Missing files make `openFile` and `readFileSync` throw, and `read`
 *   returns undefined at the end of a file.
 */
import type {
  EspruinoE,
  EspruinoFile,
  FileStat,
  FsModule,
} from '../../../firmware/drivers/espruino';

export class FakeSdCard {
  files: Record<string, string> = {};
  dirs: Record<string, true> = { '': true };
  /** Whether a card is in the slot. */
  present = true;
  mounted = false;
  /** Set when the card was pulled while mounted. */
  stale = false;
  connects = 0;
  /** Every path a call received, for the length checks. */
  paths: string[] = [];

  pull(): void {
    this.present = false;
    if (this.mounted) this.stale = true;
  }

  insert(): void {
    this.present = true;
  }

  private init(path: string): void {
    this.paths.push(path);
    if (path.length >= 64) throw new Error('File path too long');
    if (this.stale) throw new Error('Unable to mount media : DISK_ERR');
    if (!this.mounted) {
      if (!this.present) throw new Error('Unable to mount media : NOT_READY');
      this.mounted = true;
    }
  }

  private parentExists(path: string): boolean {
    const cut = path.lastIndexOf('/');
    return !!this.dirs[cut < 0 ? '' : path.slice(0, cut)];
  }

  readonly E: EspruinoE = {
    connectSDCard: () => {
      this.connects++;
      this.mounted = false;
      this.stale = false;
    },
    openFile: (path, mode) => this.open(path, mode),
  };

  private open(path: string, mode: string): EspruinoFile {
    this.init(path);
    if (mode === 'r' && this.files[path] === undefined) {
      throw new Error('Could not open file : NO_FILE');
    }
    if (!this.parentExists(path))
      throw new Error('Could not open file : NO_PATH');
    if (mode === 'w') this.files[path] = '';
    if (this.files[path] === undefined) this.files[path] = '';
    let position = mode === 'a' ? this.files[path].length : 0;
    let open = true;
    return {
      read: (length) => {
        const text = this.files[path].slice(position, position + length);
        position += text.length;
        return text === '' ? undefined : text;
      },
      seek: (to) => {
        position = to;
      },
      write: (data) => {
        if (!open) return 0;
        const text = this.files[path];
        this.files[path] =
          text.slice(0, position) + data + text.slice(position + data.length);
        position += data.length;
        return data.length;
      },
      close: () => {
        open = false;
      },
    };
  }

  readonly fs: FsModule = {
    readdirSync: (path) => {
      this.init(path);
      if (!this.dirs[path]) throw new Error('Unable to list files : NO_PATH');
      const prefix = path === '' ? '' : path + '/';
      const names = ['.', '..'];
      const all = Object.keys(this.files).concat(Object.keys(this.dirs));
      for (const name of all) {
        if (name === '' || name.indexOf(prefix) !== 0) continue;
        const rest = name.slice(prefix.length);
        if (rest.indexOf('/') < 0) names.push(rest);
      }
      return names;
    },
    appendFileSync: (path, data) => {
      const file = this.open(path, 'a');
      const written = file.write(data);
      file.close();
      return written > 0;
    },
    writeFileSync: (path, data) => {
      const file = this.open(path, 'w');
      const written = file.write(data);
      file.close();
      return written > 0;
    },
    readFileSync: (path) => {
      const file = this.open(path, 'r');
      return file.read(1 << 30) || '';
    },
    statSync: (path): FileStat | undefined => {
      if (this.stale) return undefined;
      this.init(path);
      if (this.dirs[path]) return { size: 0, dir: true };
      const text = this.files[path];
      return text === undefined ? undefined : { size: text.length, dir: false };
    },
    mkdirSync: (path) => {
      this.init(path);
      if (this.dirs[path] || this.files[path] !== undefined) {
        throw new Error('Unable to create the directory : EXIST');
      }
      if (!this.parentExists(path)) {
        throw new Error('Unable to create the directory : NO_PATH');
      }
      this.dirs[path] = true;
      return true;
    },
    unlinkSync: (path) => {
      this.init(path);
      if (this.files[path] === undefined) {
        throw new Error('Unable to delete file : NO_FILE');
      }
      delete this.files[path];
      return true;
    },
  };
}
