/**
 * The device bundle for tests: built with `npm run build` when it is
 * missing or older than any source it is made from.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const BUNDLE = path.resolve('dist/espruino/firmware.js');

const SOURCES = [
  'firmware',
  'scripts/rollup',
  'rollup.config.mjs',
  'package-lock.json',
];

function newestChange(entry: string): number {
  const stat = fs.statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const name of fs.readdirSync(entry))
    newest = Math.max(newest, newestChange(path.join(entry, name)));
  return newest;
}

/** Returns the bundle's source, building it first when it is stale. */
export function readBundle(): string {
  const built = fs.existsSync(BUNDLE) ? fs.statSync(BUNDLE).mtimeMs : 0;
  const stale = SOURCES.some(
    (s) => fs.existsSync(s) && newestChange(s) > built,
  );
  if (stale) {
    execFileSync('npx', ['rollup', '-c', 'rollup.config.mjs', '--silent'], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  return fs.readFileSync(BUNDLE, 'utf8');
}
