import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as https from 'node:https';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { serverBridge, serverMachine } from '../firmware/actors/server';
import { createBus } from '../firmware/bus/bus';
import type { Events } from '../firmware/bus/events';
import type {
  HttpServerDriver,
  RequestHandler,
} from '../firmware/drivers/http-server';
import {
  createNodeHttpServer,
  listenUrls,
} from '../firmware/drivers/node/http-server';
import { nodeTimers } from '../firmware/drivers/node/platform';
import { createLogger, type LogRecord } from '../firmware/lib/logger';
import { rawRequest } from './support/web-rig';
import { bridgedActor } from './support/actors-helpers';

const echo: RequestHandler = (req, res) => {
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(req));
};

function capture() {
  const logs: LogRecord[] = [];
  return { logs, log: createLogger((r) => logs.push(r), 'debug', 'test') };
}

async function waitUntil(
  condition: () => boolean,
  timeoutMs = 3000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline)
      throw new Error('condition not met within ' + timeoutMs + ' ms');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function portOf(url: string): number {
  return Number(new URL(url).port);
}

/** Sends `text` on a raw socket and resolves with all it reads until close. */
function rawExchange(
  port: number,
  text: string,
): Promise<{ reply: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = net.connect(port, '127.0.0.1', () => socket.write(text));
    let reply = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (reply += chunk));
    socket.on('close', () => resolve({ reply, ms: Date.now() - started }));
    socket.on('error', reject);
  });
}

function isPortOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.on('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

test('driver passes requests through', async () => {
  const { log } = capture();
  const driver = createNodeHttpServer({ host: '127.0.0.1', port: 0, log });
  const urls = await driver.listen(echo);
  try {
    assert.is(urls.length, 1);
    assert.match(urls[0], /^http:\/\/127\.0\.0\.1:\d+\/$/);
    assert.ok(portOf(urls[0]) > 0);
    const res = await rawRequest(
      portOf(urls[0]),
      'POST',
      '/x?y=1',
      {
        'X-Mixed-Case': 'Value',
        'Content-Type': 'text/plain',
      },
      'héllo',
    );
    const seen = JSON.parse(res.body);
    assert.is(seen.method, 'POST');
    assert.is(seen.url, '/x?y=1');
    assert.is(seen.body, 'héllo');
    assert.is(seen.headers['x-mixed-case'], 'Value');
    assert.is(seen.headers['X-Mixed-Case'], undefined);
    assert.is(seen.remoteAddress, '127.0.0.1');
  } finally {
    await driver.close();
  }
});

test('driver rejects oversized bodies', async () => {
  let calls = 0;
  const { log, logs } = capture();
  const driver = createNodeHttpServer({
    host: '127.0.0.1',
    port: 0,
    log,
    maxBodyBytes: 10,
  });
  const urls = await driver.listen((req, res) => {
    calls++;
    echo(req, res);
  });
  try {
    const exact = await rawRequest(
      portOf(urls[0]),
      'POST',
      '/',
      {},
      '0123456789',
    );
    assert.is(exact.status, 200);
    const over = await rawRequest(
      portOf(urls[0]),
      'POST',
      '/',
      {},
      '0123456789A',
    );
    assert.is(over.status, 413);
    assert.equal(JSON.parse(over.body), {
      error: 'request body exceeds 10 bytes',
    });
    assert.is(over.headers['content-type'], 'application/json; charset=utf-8');
    assert.is(calls, 1);
    assert.ok(logs.some((r) => r.msg === 'request body too large'));
  } finally {
    await driver.close();
  }
});

test('driver times out slow requests', async () => {
  const { log } = capture();
  const driver = createNodeHttpServer({
    host: '127.0.0.1',
    port: 0,
    log,
    headersTimeoutMs: 200,
    requestTimeoutMs: 400,
  });
  const port = portOf((await driver.listen(echo))[0]);
  try {
    const slowHeaders = await rawExchange(
      port,
      'GET / HTTP/1.1\r\nHost: x\r\n',
    );
    assert.match(slowHeaders.reply, /^HTTP\/1\.1 408 /);
    assert.ok(slowHeaders.ms < 2500, 'closed after ' + slowHeaders.ms + ' ms');

    const slowBody = await rawExchange(
      port,
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly-a-bit',
    );
    assert.match(slowBody.reply, /^HTTP\/1\.1 408 /);
    assert.ok(slowBody.ms < 2500, 'closed after ' + slowBody.ms + ' ms');

    const garbage = await rawExchange(port, 'NOT HTTP AT ALL\r\n\r\n');
    assert.match(garbage.reply, /^HTTP\/1\.1 400 /);
  } finally {
    await driver.close();
  }
});

test('driver turns handler errors into 500', async () => {
  const { log, logs } = capture();
  const driver = createNodeHttpServer({ host: '127.0.0.1', port: 0, log });
  const urls = await driver.listen(() => {
    throw new Error('boom');
  });
  try {
    const res = await fetch(urls[0] + 'anything');
    assert.is(res.status, 500);
    assert.equal(await res.json(), { error: 'internal server error' });
    const logged = logs.find((r) => r.msg === 'request handler failed');
    assert.is(logged?.fields?.error, 'boom');
  } finally {
    await driver.close();
  }
});

test('driver listen and close edge cases', async () => {
  const { log } = capture();
  const driver = createNodeHttpServer({ host: '127.0.0.1', port: 0, log });
  const urls = await driver.listen(echo);
  const second = await driver.listen(echo).then(
    () => 'resolved',
    (err: Error) => err.message,
  );
  assert.is(second, 'server is already listening');
  await driver.close();
  assert.is(await isPortOpen(portOf(urls[0])), false);
  await driver.close();

  const pending = driver.listen(echo);
  await driver.close();
  const outcome = await pending.then(
    (u) => 'listening at ' + u.join(' '),
    (err: Error) => err.message,
  );
  assert.is(outcome, 'server was closed while starting');
});

test('listen URLs for each host', () => {
  assert.equal(listenUrls('http', '127.0.0.1', 8080, []), [
    'http://127.0.0.1:8080/',
  ]);
  assert.equal(listenUrls('https', '::1', 8443, []), ['https://[::1]:8443/']);
  assert.equal(
    listenUrls('http', '0.0.0.0', 80, ['192.168.1.20', '10.0.0.5']),
    ['http://192.168.1.20:80/', 'http://10.0.0.5:80/', 'http://127.0.0.1:80/'],
  );
  assert.equal(listenUrls('http', '::', 80, ['192.168.4.1']), [
    'http://192.168.4.1:80/',
    'http://127.0.0.1:80/',
  ]);
});

test('driver serves HTTPS', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'logger-tls-'));
  const { log } = capture();
  let driver: HttpServerDriver | null = null;
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        join(dir, 'server.key'),
        '-out',
        join(dir, 'server.crt'),
      ],
      { stdio: 'ignore' },
    );
    const key = readFileSync(join(dir, 'server.key'));
    const cert = readFileSync(join(dir, 'server.crt'));
    driver = createNodeHttpServer({
      host: '127.0.0.1',
      port: 0,
      log,
      https: { key, cert },
    });
    const urls = await driver.listen(echo);
    assert.match(urls[0], /^https:\/\/127\.0\.0\.1:\d+\/$/);
    const body = await new Promise<string>((resolve, reject) => {
      https
        .get(urls[0] + 'tls', { ca: cert }, (res) => {
          let text = '';
          res.on('data', (chunk) => (text += chunk));
          res.on('end', () => resolve(text));
        })
        .on('error', reject);
    });
    assert.is(JSON.parse(body).url, '/tls');
  } finally {
    await driver?.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('server machine listens and announces', async () => {
  const { log, logs } = capture();
  const bus = createBus(log);
  const started: Events['server.started'][] = [];
  bus.on('server.started', (p) => started.push(p));
  const driver = createNodeHttpServer({ host: '127.0.0.1', port: 0, log });
  const actor = bridgedActor(serverMachine, serverBridge, {
    input: { bus, log, driver, handler: echo, timers: nodeTimers, retryMs: 50 },
  });
  actor.start();
  await waitUntil(() => actor.getSnapshot().value === 'listening');
  assert.is(started.length, 1);
  const url = started[0].urls[0];
  const res = await fetch(url + 'ping');
  assert.is(JSON.parse(await res.text()).url, '/ping');
  assert.ok(logs.some((r) => r.msg === 'server listening'));

  actor.stop();
  await waitUntil(() => logs.some((r) => r.msg === 'server stopped'));
  assert.is(await isPortOpen(portOf(url)), false);
});

test('server machine retries a busy port', async () => {
  const blocker = net.createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const port = (blocker.address() as net.AddressInfo).port;
  const { log, logs } = capture();
  const bus = createBus(log);
  const started: Events['server.started'][] = [];
  bus.on('server.started', (p) => started.push(p));
  const driver = createNodeHttpServer({ host: '127.0.0.1', port, log });
  const actor = bridgedActor(serverMachine, serverBridge, {
    input: { bus, log, driver, handler: echo, timers: nodeTimers, retryMs: 50 },
  });
  try {
    actor.start();
    await waitUntil(
      () =>
        logs.filter((r) => r.msg === 'server failed to listen, retrying')
          .length >= 2,
    );
    const failure = logs.find(
      (r) => r.msg === 'server failed to listen, retrying',
    );
    assert.is(failure?.fields?.code, 'EADDRINUSE');
    assert.is(failure?.fields?.retryInMs, 50);
    assert.is(started.length, 0);
    assert.ok(
      ['failed', 'starting'].includes(String(actor.getSnapshot().value)),
    );

    await new Promise((resolve) => blocker.close(resolve));
    await waitUntil(() => actor.getSnapshot().value === 'listening');
    assert.equal(started, [{ urls: ['http://127.0.0.1:' + port + '/'] }]);
    const res = await fetch('http://127.0.0.1:' + port + '/again');
    assert.is(res.status, 200);
  } finally {
    actor.stop();
    if (blocker.listening) blocker.close();
    await waitUntil(() => logs.some((r) => r.msg === 'server stopped'));
  }
});

test.run();
