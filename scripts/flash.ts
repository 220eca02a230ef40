/**
 * Writes the device bundle to the board's Storage as `.bootcde` and the
 * settings as `secrets.json`, with the `espruino` command-line tool:
 *
 *   npm run flash -- --port /dev/ttyACM0
 *   npm run flash -- --dry-run flash-output.js
 *
 * The tool gets a board description written here, which lists the
 * interpreter's built-in modules, so it neither downloads board files nor
 * modules: flashing works offline. The bundle is checked first for
 * `require()` of any other module, which the tool would try to download.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseConfig, plugBaseUrl } from '../firmware/config';
import { parseTarget } from '../firmware/drivers/espruino/http-client';

const USAGE = `Usage: npm run flash -- --port DEVICE [options]
  --port DEVICE      serial port of the board, e.g. /dev/ttyACM0
  --bundle FILE      device bundle (default dist/espruino/firmware.js)
  --secrets FILE     settings to store as secrets.json (default secrets.json)
  --baud N           serial speed in baud (default 115200)
  --dry-run FILE     connect to nothing; write what would be sent to FILE`;

/**
 * Modules of the ESP32-S3 build (2v29, boards/ESP32S3_IDF4.py libraries)
 * that the bundle may `require()`.
 */
export const BUILTIN_MODULES = [
  'Wifi',
  'http',
  'net',
  'fs',
  'Storage',
  'crypto',
  'neopixel',
  'TelnetServer',
  'tls',
  'url',
  'heatshrink',
];

export interface FlashOptions {
  port: string | null;
  bundle: string;
  secrets: string;
  baud: number;
  dryRun: string | null;
}

export function parseFlashArgs(argv: string[]): FlashOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      bundle: { type: 'string' },
      secrets: { type: 'string' },
      baud: { type: 'string' },
      'dry-run': { type: 'string' },
    },
  });
  const options = {
    port: values.port || null,
    bundle: values.bundle || 'dist/espruino/firmware.js',
    secrets: values.secrets || 'secrets.json',
    baud: values.baud ? Number(values.baud) : 115200,
    dryRun: values['dry-run'] || null,
  };
  if (!options.port && !options.dryRun) {
    throw new Error('missing --port (or --dry-run FILE)');
  }
  if (!(options.baud > 0)) throw new Error('--baud must be a positive number');
  return options;
}

/** Names of every `require('name')` in the bundle. */
export function requiredModules(code: string): string[] {
  const names: string[] = [];
  const pattern = /\brequire\(\s*(['"])([^'"]+)\1\s*\)/g;
  for (let m = pattern.exec(code); m; m = pattern.exec(code)) {
    if (names.indexOf(m[2]) < 0) names.push(m[2]);
  }
  return names;
}

/**
 * Checks the settings for what the device needs and returns them as
 * compact JSON without the `$` comment keys.
 */
export function deviceSettings(text: string, file: string): string {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(file + ' is not valid JSON: ' + (err as Error).message);
  }
  const config = parseConfig(raw);
  const problems: string[] = [];
  if (!config.plug.address) {
    problems.push('plug.address must be set to the plug IP address');
  } else {
    try {
      parseTarget(plugBaseUrl(config.plug.address) + '/');
    } catch {
      problems.push('plug.address must be an IPv4 address on the device');
    }
  }
  const password = config.ap.password || '';
  if (password.length < 8 || password.length > 63) {
    problems.push('ap.password needs 8 to 63 characters (WPA2)');
  }
  if (!config.station.ssid)
    problems.push("station.ssid must name the plug's AP");
  if (problems.length > 0) {
    throw new Error(
      file + ' is not ready for the device: ' + problems.join('; '),
    );
  }
  return JSON.stringify(withoutComments(raw));
}

function withoutComments(value: unknown): unknown {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (key.charAt(0) !== '$') out[key] = withoutComments(inner);
  }
  return out;
}

/** Arguments for `espruino-cli.js`. */
export function cliArguments(
  options: FlashOptions,
  boardFile: string,
  secretsFile: string,
): string[] {
  const args = ['--board', boardFile];
  if (options.dryRun) args.push('-n', '-o', options.dryRun);
  else args.push('-p', options.port as string, '-b', String(options.baud));
  args.push('--storage', '.bootcde:-');
  args.push('--storage', 'secrets.json:' + secretsFile);
  args.push(options.bundle);
  return args;
}

function readFile(file: string, hint: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(
      'cannot read ' + file + ': ' + (err as Error).message + hint,
    );
  }
}

function run(options: FlashOptions): number {
  const bundle = readFile(options.bundle, ' (run npm run build first)');
  const unknown = requiredModules(bundle).filter(
    (name) => BUILTIN_MODULES.indexOf(name) < 0,
  );
  if (unknown.length > 0) {
    throw new Error(
      'the bundle requires modules the board lacks: ' + unknown.join(', '),
    );
  }
  const settings = deviceSettings(
    readFile(options.secrets, ''),
    options.secrets,
  );

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logger-flash-'));
  try {
    const boardFile = path.join(dir, 'ESP32S3.json');
    const board = {
      info: { binary_version: '2v29', builtin_modules: BUILTIN_MODULES },
    };
    fs.writeFileSync(boardFile, JSON.stringify(board));
    const secretsFile = path.join(dir, 'secrets.json');
    fs.writeFileSync(secretsFile, settings);

    const cli = createRequire(import.meta.url).resolve(
      'espruino/bin/espruino-cli.js',
    );
    const args = cliArguments(options, boardFile, secretsFile);
    console.log('espruino ' + args.join(' '));
    const result = spawnSync(process.execPath, [cli].concat(args), {
      stdio: 'inherit',
    });
    if (result.error) throw result.error;
    return result.status === null ? 1 : result.status;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function main(): void {
  let options: FlashOptions;
  try {
    options = parseFlashArgs(process.argv.slice(2));
  } catch (err) {
    console.error((err as Error).message + '\n\n' + USAGE);
    process.exit(2);
  }
  try {
    process.exit(run(options));
  } catch (err) {
    console.error('flash failed: ' + (err as Error).message);
    process.exit(1);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename) {
  main();
}
