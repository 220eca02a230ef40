/** Reads web app files from a folder on disk as bytes, never outside it. */
import fs from 'node:fs';
import path from 'node:path';

export function createStaticReader(
  root: string,
): (rel: string) => Uint8Array | null {
  const base = path.resolve(root);
  return (rel) => {
    const full = path.resolve(base, '.' + path.posix.normalize('/' + rel));
    if (!full.startsWith(base + path.sep)) return null;
    try {
      return fs.readFileSync(full);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR')
        return null;
      throw err;
    }
  };
}
