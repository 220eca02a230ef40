import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startSimulator } from '../sim';
import {
  startLogger,
  tempFolder,
  writeSettings,
} from './support/logger-process';

/** Run the logger until it exits; returns its exit code and output. */
function runToExit(
  config: string,
): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const args = [
      '--import',
      'tsx',
      'firmware/main.node.ts',
      '--config',
      config,
    ];
    const child = spawn(process.execPath, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

test('host start refuses a busy port', async () => {
  const dir = tempFolder('logger-port-');
  const blocker = net.createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const port = (blocker.address() as net.AddressInfo).port;
  const config = writeSettings(dir, {
    sdRoot: path.join(dir, 'sd'),
    http: { host: '127.0.0.1', port },
    https: { enabled: false },
  });
  const { code, out } = await runToExit(config);
  assert.is(code, 1);
  assert.match(out, /web server failed to listen/);
  assert.match(out, /--port/);
  assert.not.match(out, /Web page:/);
  assert.is(fs.existsSync(path.join(dir, 'sd', '.logger.lock')), false);
  blocker.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('host start refuses a second logger on one folder', async () => {
  const dir = tempFolder('logger-lock-');
  const sim = await startSimulator({});
  const settings = {
    plug: { address: '127.0.0.1:' + sim.port },
    sdRoot: path.join(dir, 'sd'),
    http: { host: '127.0.0.1', port: 0 },
    https: { enabled: false },
  };
  const first = await startLogger(writeSettings(dir, settings));
  const secondDir = tempFolder('logger-lock-2-');
  const { code, out } = await runToExit(writeSettings(secondDir, settings));
  assert.is(code, 1);
  assert.match(out, /another logger \(process \d+\) is logging to/);
  first.child.kill('SIGTERM');
  assert.is(await first.exited, '0');
  assert.is(fs.existsSync(path.join(dir, 'sd', '.logger.lock')), false);
  await sim.stop();
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(secondDir, { recursive: true, force: true });
});

test.run();
