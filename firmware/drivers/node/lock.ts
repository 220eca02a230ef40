/**
 * One logger per SD folder: two loggers appending to the same day files
 * would interleave rows and make the total appear to go down. The lock is
 * a file holding the owner's process id; a lock whose process is gone is
 * taken over.
 */
import fs from 'node:fs';
import path from 'node:path';

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Take the folder's lock or throw; returns the function that releases it. */
export function lockFolder(folder: string): () => void {
  fs.mkdirSync(folder, { recursive: true });
  const file = path.join(folder, '.logger.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
      return () => fs.rmSync(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = Number(fs.readFileSync(file, 'utf8').trim());
    if (owner > 0 && owner !== process.pid && isRunning(owner)) {
      throw new Error(
        'another logger (process ' +
          owner +
          ') is logging to ' +
          folder +
          '; stop it or choose another folder with --sd',
      );
    }
    fs.rmSync(file, { force: true });
  }
  throw new Error('could not lock ' + folder);
}
