/**
 * Runs the host runtime as a child process, the way `npm start` does, on
 * loopback with a free web port and a settings file in a temp folder.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface LoggerProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
  /** Resolves with the exit code or signal name. */
  exited: Promise<string>;
}

const ROOT = path.resolve(import.meta.dirname, '..', '..');

export function tempFolder(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function writeSettings(dir: string, settings: unknown): string {
  const file = path.join(dir, 'secrets.json');
  fs.writeFileSync(file, JSON.stringify(settings, null, 2));
  return file;
}

export async function startLogger(
  configFile: string,
  timeoutMs = 20000,
): Promise<LoggerProcess> {
  // Node itself, not the tsx wrapper, so that a signal reaches the logger.
  const args = [
    '--import',
    'tsx',
    'firmware/main.node.ts',
    '--config',
    configFile,
  ];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  const exited = new Promise<string>((resolve) => {
    child.on('exit', (code, signal) => resolve(signal || String(code)));
  });
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    const match = /Web page: (http\S+)/.exec(out);
    if (match)
      return {
        child,
        url: match[1].replace(/\/$/, ''),
        output: () => out,
        exited,
      };
    if (child.exitCode !== null) break;
    await sleep(100);
  }
  child.kill('SIGKILL');
  throw new Error('logger did not start within ' + timeoutMs + ' ms:\n' + out);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Poll `check` until it returns a value other than undefined. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 15000,
): Promise<T> {
  const started = Date.now();
  let lastError = '';
  while (Date.now() - started < timeoutMs) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = (err as Error).message;
    }
    await sleep(100);
  }
  throw new Error(
    'timed out waiting for ' + what + (lastError ? ': ' + lastError : ''),
  );
}

export async function getJson(url: string): Promise<any> {
  const res = await fetch(url);
  if (!res.ok) throw new Error('GET ' + url + ' returned ' + res.status);
  return res.json();
}

export async function postJson(url: string, body: unknown): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

export function readCsv(file: string): {
  header: string[];
  rows: Record<string, string>[];
} {
  const lines = fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '');
  const header = lines[0].split(',');
  const rows = lines.slice(1).map((line) => {
    const cells = line.split(',');
    if (cells.length !== header.length)
      throw new Error('CSV row has ' + cells.length + ' cells: ' + line);
    const row: Record<string, string> = {};
    header.forEach((h, i) => (row[h] = cells[i]));
    return row;
  });
  return { header, rows };
}
