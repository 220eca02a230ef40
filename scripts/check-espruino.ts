/**
 * Checks the device bundle (or the files given) for code the Espruino
 * interpreter cannot run: `npm run check:espruino [-- file ...]`. Prints
 * each finding with its line, column, offset and a snippet, and exits with
 * status 1 when there is any.
 */
import fs from 'node:fs';
import { POLYFILLED } from '../firmware/polyfills/provided';
import { checkEspruino, formatFinding } from './espruino-check/check';

export const BUNDLE = 'dist/espruino/firmware.js';

/** Checks a built bundle, allowing what the polyfill prelude installs. */
export function checkBundle(code: string) {
  return checkEspruino(code, {
    providedGlobals: POLYFILLED.globals,
    providedMembers: POLYFILLED.members,
    providedMethods: POLYFILLED.methods,
  });
}

function main(files: string[]): number {
  let total = 0;
  for (const file of files.length > 0 ? files : [BUNDLE]) {
    if (!fs.existsSync(file)) {
      console.error(file + ' not found; run `npm run build` first');
      return 2;
    }
    const findings = checkBundle(fs.readFileSync(file, 'utf8'));
    for (const f of findings) console.log(file + ':' + formatFinding(f));
    console.log(file + ': ' + findings.length + ' finding(s)');
    total += findings.length;
  }
  return total > 0 ? 1 : 0;
}

if (
  process.argv[1] &&
  import.meta.url.endsWith(process.argv[1].split('/').pop()!)
) {
  process.exitCode = main(process.argv.slice(2));
}
