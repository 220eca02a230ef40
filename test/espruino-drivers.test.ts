import { createHash } from 'node:crypto';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createBus } from '../firmware/bus/bus';
import {
  createSsd1306Display,
  INIT_COMMANDS,
  WINDOW_COMMANDS,
} from '../firmware/drivers/espruino/display';
import {
  createEspruinoHttpClient,
  isIpv4,
  parseTarget,
} from '../firmware/drivers/espruino/http-client';
import { createEspruinoHttpServer } from '../firmware/drivers/espruino/http-server';
import { wrapResponse } from '../firmware/drivers/espruino/http-response';
import { createNeopixelLed } from '../firmware/drivers/espruino/led';
import {
  createSha256Hex,
  espruinoTimers,
  toHex,
} from '../firmware/drivers/espruino/platform';
import { createSdFileStore } from '../firmware/drivers/espruino/storage';
import {
  createFakeTimers,
  type FakeTimers,
} from '../firmware/drivers/fake/timers';
import type { HttpError } from '../firmware/drivers/http-client';
import type {
  RequestHandler,
  ServerRequest,
} from '../firmware/drivers/http-server';
import { repairTail } from '../firmware/lib/log-files';
import { createSseHub } from '../firmware/lib/sse';
import { createCapturingLogger, recordEvents } from './support/actors-helpers';
import {
  FakeGraphics,
  FakeI2c,
  FakeNeopixel,
  FakePin,
  FONT_6X8,
  fakeCrypto,
} from './support/espruino-fakes/devices';
import { FakeEmitter } from './support/espruino-fakes/events';
import { FakeSdCard } from './support/espruino-fakes/fs';
import { CHUNK_SIZE, FakeHttp } from './support/espruino-fakes/http';

/**
 * Waits for `promise` to reject. The client rejects from a timer, so with
 * `timers` it also runs the timers that are due.
 */
async function rejection(
  promise: Promise<unknown>,
  timers?: FakeTimers,
): Promise<HttpError> {
  const outcome = promise.then(
    () => {
      throw new Error('expected the promise to reject');
    },
    (err: unknown) => err as HttpError,
  );
  if (timers) await timers.advance(0);
  return outcome;
}

// ---------------------------------------------------------------------------

const Client = suite('espruino http client');

function startClient() {
  const http = new FakeHttp();
  const timers = createFakeTimers();
  const client = createEspruinoHttpClient({ http, timers });
  return { http, timers, client };
}

Client('accepts only IPv4 plug URLs', () => {
  assert.equal(parseTarget('http://192.168.33.1/rpc'), {
    host: '192.168.33.1',
    port: 80,
    path: '/rpc',
  });
  assert.equal(parseTarget('http://10.0.0.2:8080'), {
    host: '10.0.0.2',
    port: 8080,
    path: '/',
  });
  assert.ok(isIpv4('255.255.255.255'));
  assert.not.ok(isIpv4('256.1.1.1'));
  assert.not.ok(isIpv4('1.2.3'));
  assert.not.ok(isIpv4('1.2.3.x'));
});

Client('rejects host names without a lookup', async () => {
  const { http, timers, client } = startClient();
  const urls = [
    'http://shelly.local/rpc',
    'https://192.168.33.1/rpc',
    'http://[fe80::1]/rpc',
    'http://192.168.33.1:99999/rpc',
  ];
  for (const url of urls) {
    const err = await rejection(
      client.request({ method: 'GET', url, timeoutMs: 1000 }),
      timers,
    );
    assert.is(err.code, 'network', url);
    assert.match(err.message, 'IPv4', url);
  }
  assert.is(http.clientRequests.length, 0);
});

Client('parses string status, lower-cases headers', async () => {
  const { http, client } = startClient();
  const pending = client.request({
    method: 'GET',
    url: 'http://192.168.33.1/shelly',
    timeoutMs: 1000,
  });
  const req = http.clientRequests[0];
  http.reply(req, '401', { 'WWW-Authenticate': 'Digest x', 'X-A': 'b' }, [
    '{"a"',
    ':1}',
  ]);
  const res = await pending;
  assert.is(res.status, 401);
  assert.equal(res.headers, { 'www-authenticate': 'Digest x', 'x-a': 'b' });
  assert.is(res.body, '{"a":1}');
});

Client('sends method, path and Content-Length', async () => {
  const { http, client } = startClient();
  const pending = client.request({
    method: 'POST',
    url: 'http://192.168.33.1:8080/rpc?x=1',
    headers: { 'content-type': 'application/json' },
    body: '{"id":1}',
    timeoutMs: 1000,
  });
  const req = http.clientRequests[0];
  assert.equal(req.options, {
    host: '192.168.33.1',
    port: 8080,
    path: '/rpc?x=1',
    method: 'POST',
    headers: { 'content-type': 'application/json', 'Content-Length': '8' },
  });
  assert.is(req.body, '{"id":1}');
  http.reply(req, '200', {}, ['ok']);
  assert.is((await pending).status, 200);
});

Client('timeout closes the socket via clsNow', async () => {
  const { http, timers, client } = startClient();
  const pending = client.request({
    method: 'GET',
    url: 'http://192.168.33.1/rpc',
    timeoutMs: 3000,
  });
  const req = http.clientRequests[0];
  const outcome = rejection(pending, timers);

  await timers.advance(2999);
  assert.is(req.clsNow, undefined);
  await timers.advance(1);
  const err = await outcome;

  assert.is(err.code, 'timeout');
  assert.is(err.message, 'GET /rpc timed out after 3000 ms');
  assert.is(req.clsNow, true);
  http.tick();
  assert.ok(req.closedByFlag);
});

Client('timeout mid-reply closes the socket', async () => {
  const { http, timers, client } = startClient();
  const pending = client.request({
    method: 'GET',
    url: 'http://192.168.33.1/rpc',
    timeoutMs: 1000,
  });
  const req = http.clientRequests[0];
  const res = Object.assign(new FakeEmitter(), {
    statusCode: '200',
    headers: {},
  });
  req.callback(res);
  res.emit('data', '{"partial"');
  const outcome = rejection(pending, timers);

  await timers.advance(1000);
  const err = await outcome;

  assert.is(err.code, 'timeout');
  assert.is(req.clsNow, true);
});

Client('synchronous throw from end rejects', async () => {
  const { http, timers, client } = startClient();
  http.endThrows = 'Unable to create socket';
  const err = await rejection(
    client.request({
      method: 'GET',
      url: 'http://192.168.33.1/rpc',
      timeoutMs: 1000,
    }),
    timers,
  );
  assert.is(err.code, 'network');
  assert.is(err.message, 'GET /rpc failed: Unable to create socket');
  assert.is(timers.pendingCount(), 0);
});

Client('synchronous throw from request rejects', async () => {
  const { http, timers, client } = startClient();
  http.requestThrows = 'Not connected to the internet';
  const err = await rejection(
    client.request({
      method: 'GET',
      url: 'http://192.168.33.1/rpc',
      timeoutMs: 1000,
    }),
    timers,
  );
  assert.is(err.code, 'network');
  assert.match(err.message, 'Not connected to the internet');
});

Client('error event rejects once', async () => {
  const { http, timers, client } = startClient();
  const pending = client.request({
    method: 'GET',
    url: 'http://192.168.33.1/rpc',
    timeoutMs: 1000,
  });
  const req = http.clientRequests[0];
  req.emit('error', { code: -7, message: 'no response' });
  req.emit('error', { code: -7, message: 'second' });
  const err = await rejection(pending, timers);
  assert.is(err.message, 'GET /rpc failed: no response');
});

Client('oversized reply is rejected', async () => {
  const http = new FakeHttp();
  const timers = createFakeTimers();
  const client = createEspruinoHttpClient({
    http,
    timers,
    maxBodyBytes: 10,
  });
  const pending = client.request({
    method: 'GET',
    url: 'http://192.168.33.1/rpc',
    timeoutMs: 1000,
  });
  http.reply(http.clientRequests[0], '200', {}, ['0123456789', 'x']);
  const err = await rejection(pending, timers);
  assert.match(err.message, 'reply over 10 bytes');
  assert.is(http.clientRequests[0].clsNow, true);
});

Client('non-ASCII body is rejected', async () => {
  const { http, timers, client } = startClient();
  const err = await rejection(
    client.request({
      method: 'POST',
      url: 'http://192.168.33.1/rpc',
      body: '{"name":"Küche"}',
      timeoutMs: 1000,
    }),
    timers,
  );
  assert.match(err.message, 'ASCII');
  assert.is(http.clientRequests.length, 0);
});

Client.run();

// ---------------------------------------------------------------------------

const Server = suite('espruino http server');

interface ServerRig {
  http: FakeHttp;
  timers: ReturnType<typeof createFakeTimers>;
  sd: FakeSdCard;
  seen: ServerRequest[];
  records: ReturnType<typeof createCapturingLogger>['records'];
  urls: string[];
}

async function startServer(
  handler: RequestHandler | null,
  options: {
    maxSockets?: number;
    maxBodyBytes?: number;
    maxHeaders?: number;
    maxHeaderBytes?: number;
  } = {},
): Promise<ServerRig> {
  const http = new FakeHttp();
  const timers = createFakeTimers();
  const sd = new FakeSdCard();
  const { log, records } = createCapturingLogger();
  const store = createSdFileStore({
    E: sd.E,
    fs: sd.fs,
    connect: () => sd.E.connectSDCard({ setup() {} }, new FakePin('D18')),
    root: '',
    maxPathLength: 63,
  });
  const seen: ServerRequest[] = [];
  const driver = createEspruinoHttpServer({
    http,
    port: 80,
    log,
    timers,
    addresses: () => ['192.168.4.1', '192.168.33.2'],
    staticFiles: { open: (path) => store.openRead('html/' + path) },
    maxSockets: options.maxSockets,
    maxBodyBytes: options.maxBodyBytes,
    maxHeaders: options.maxHeaders,
    maxHeaderBytes: options.maxHeaderBytes,
    requestTimeoutMs: 5000,
  });
  const urls = await driver.listen((req, res) => {
    seen.push(req);
    if (handler) handler(req, res);
    else res.end('handled');
  });
  return { http, timers, sd, seen, records, urls };
}

function json(body: string): unknown {
  return JSON.parse(body);
}

Server('listens and reports URLs', async () => {
  const rig = await startServer(null);
  assert.is(rig.http.listening, 80);
  assert.equal(rig.urls, ['http://192.168.4.1/', 'http://192.168.33.2/']);
});

Server('handler gets lower-cased headers and body', async () => {
  const rig = await startServer(null);
  const c = rig.http.connect({
    method: 'POST',
    url: '/api/plug?x=1',
    headers: { 'Content-Type': 'application/json', Origin: 'http://a' },
    body: '{"on":true}',
  });
  rig.http.drainAll();
  assert.equal(rig.seen, [
    {
      method: 'POST',
      url: '/api/plug?x=1',
      headers: { 'content-type': 'application/json', origin: 'http://a' },
      body: '{"on":true}',
      remoteAddress: '',
    },
  ]);
  assert.is(c.res.body(), 'handled');
  assert.ok(c.res.closed);
});

Server('body over the cap gets 413', async () => {
  const rig = await startServer(null, { maxBodyBytes: 8 });
  const c = rig.http.connect({
    method: 'POST',
    url: '/api/plug',
    body: '{"on":true}',
  });
  rig.http.drainAll();
  assert.is(rig.seen.length, 0);
  assert.is(c.res.status, 413);
  assert.equal(json(c.res.body()), {
    error: 'request body exceeds 8 bytes',
  });
  assert.is(c.res.headers['Content-Type'], 'application/json; charset=utf-8');
});

Server('incomplete body times out with 408', async () => {
  const rig = await startServer(null);
  const c = rig.http.connect({
    method: 'POST',
    url: '/api/plug',
    body: '{"on"',
    complete: false,
  });
  await rig.timers.advance(5000);
  rig.http.drainAll();
  assert.is(rig.seen.length, 0);
  assert.is(c.res.status, 408);
});

Server('too many headers get 431', async () => {
  const rig = await startServer(null, { maxHeaders: 3 });
  const headers: Record<string, string> = {};
  for (let i = 0; i < 4; i++) headers['x-h' + i] = 'v';
  const c = rig.http.connect({ url: '/api/status', headers });
  rig.http.drainAll();

  assert.is(c.res.status, 431);
  assert.equal(json(c.res.body()), {
    error: 'request headers exceed 3 lines or 4096 bytes',
  });
  assert.is(rig.seen.length, 0);
  assert.ok(
    rig.records.some((r) => r.msg === 'request rejected, headers too large'),
  );
});

Server('oversized header bytes get 431', async () => {
  const rig = await startServer(null, { maxHeaderBytes: 100 });
  const ok = rig.http.connect({ url: '/a', headers: { host: 'x'.repeat(90) } });
  const big = rig.http.connect({
    url: '/b',
    headers: { host: 'x'.repeat(120) },
  });
  rig.http.drainAll();

  assert.is(ok.res.status, 200);
  assert.is(big.res.status, 431);
  assert.is(rig.seen.length, 1);
});

Server('caps open sockets with 503', async () => {
  // The handler never ends its responses, like event streams.
  const rig = await startServer((_req, res) => res.write('open'), {
    maxSockets: 2,
  });
  const first = rig.http.connect({ url: '/events' });
  rig.http.connect({ url: '/events' });
  const third = rig.http.connect({ url: '/events' });
  rig.http.drainAll();
  assert.is(rig.seen.length, 2);
  assert.is(third.res.status, 503);
  assert.equal(json(third.res.body()), {
    error: 'too many open connections (max 2)',
  });

  first.req.clsNow = true;
  rig.http.tick();
  const fourth = rig.http.connect({ url: '/events' });
  assert.is(rig.seen.length, 3);
  assert.is(fourth.res.status, 200);
});

Server('handler that throws gets 500', async () => {
  const rig = await startServer(() => {
    throw new Error('boom');
  });
  const c = rig.http.connect({ url: '/api/status' });
  rig.http.drainAll();
  assert.is(c.res.status, 500);
  const errors = rig.records.filter((r) => r.level === 'error');
  assert.is(errors[0].msg, 'request handler failed');
});

Server('serves web app files with MIME types', async () => {
  const rig = await startServer(null);
  rig.sd.dirs['html'] = true;
  rig.sd.dirs['html/icons'] = true;
  rig.sd.files['html/index.html'] = '<!doctype html><title>x</title>';
  rig.sd.files['html/app.js'] = 'console.log(1)';
  rig.sd.files['html/service-worker.js'] = 'self.x=1';
  rig.sd.files['html/style.css'] = 'body{}';
  rig.sd.files['html/manifest.json'] = '{}';
  rig.sd.files['html/icons/icon.png'] = '\x89PNG\r\n\x1a\n\x00\xff';
  const cases: [string, string, string][] = [
    ['/', 'text/html; charset=utf-8', 'html/index.html'],
    ['/app.js', 'application/javascript; charset=utf-8', 'html/app.js'],
    [
      '/service-worker.js',
      'application/javascript; charset=utf-8',
      'html/service-worker.js',
    ],
    ['/style.css?v=2', 'text/css; charset=utf-8', 'html/style.css'],
    ['/manifest.json', 'application/json; charset=utf-8', 'html/manifest.json'],
    ['/icons/icon.png', 'image/png', 'html/icons/icon.png'],
  ];
  for (const [url, type, file] of cases) {
    const c = rig.http.connect({ url });
    rig.http.drainAll();
    assert.is(c.res.status, 200, url);
    assert.is(c.res.headers['Content-Type'], type, url);
    const content = rig.sd.files[file];
    assert.is(c.res.headers['Content-Length'], String(content.length), url);
    assert.is(c.res.body(), content, url);
  }
  assert.is(rig.seen.length, 0);
});

Server('missing, hidden and API paths reach the handler', async () => {
  const rig = await startServer(null);
  rig.sd.dirs['html'] = true;
  rig.sd.dirs['html/api'] = true;
  rig.sd.files['html/api/status.json'] = '{}';
  rig.sd.files['html/secrets.json'] = '{"apToken":"x"}';
  rig.sd.files['html/.hidden.js'] = 'x';
  const urls = [
    '/missing.js',
    '/secrets.json',
    '/.hidden.js',
    '/api/status.json',
    '/events',
    '/../secrets.json',
  ];
  for (const url of urls) rig.http.connect({ url });
  rig.http.connect({ method: 'POST', url: '/index.html', body: '{}' });
  assert.equal(
    rig.seen.map((r) => r.url),
    urls.concat('/index.html'),
  );
});

Server('large file leaves in drained chunks', async () => {
  const rig = await startServer(null);
  let content = '';
  for (let i = 0; i < 5000; i++) content += String.fromCharCode(i % 256);
  rig.sd.dirs['html'] = true;
  rig.sd.files['html/big.js'] = content;
  const reads: number[] = [];
  const open = rig.sd.E.openFile;
  rig.sd.E.openFile = (path, mode) => {
    const file = open(path, mode);
    const read = file.read;
    file.read = (n) => {
      reads.push(n);
      return read(n);
    };
    return file;
  };
  const c = rig.http.connect({ url: '/big.js' });
  // Only the first chunk is read before the socket drains.
  assert.is(reads.length, 1);
  rig.http.drainAll();
  assert.is(c.res.body(), content);
  assert.ok(c.res.sends.every((n) => n <= CHUNK_SIZE));
  assert.ok(reads.every((n) => n <= 1072));
});

Server('response wrapper sends bytes and survives close', () => {
  const http = new FakeHttp();
  http.createServer(() => undefined);
  const c = http.connect({ url: '/' });
  const res = wrapResponse(c.req, c.res);
  res.writeHead(200, { 'Content-Type': 'image/png' });
  assert.is(res.write(new Uint8Array([0, 255, 65])), false);
  http.tick();
  assert.is(c.res.body(), '\x00\xffA');

  c.req.clsNow = true;
  http.tick();
  assert.ok(res.closed);
  assert.is(res.write('late'), false);
  res.end('late');
});

Server.run();

// ---------------------------------------------------------------------------

const Sse = suite('espruino SSE back-pressure');

function startSse(maxBufferBytes: number) {
  const http = new FakeHttp();
  const timers = createFakeTimers();
  const { log, records } = createCapturingLogger();
  const bus = createBus(log);
  const counts = recordEvents(bus, 'server.clientsChanged');
  const sse = createSseHub({
    bus,
    timers,
    log,
    snapshot: () => ({ big: 'x'.repeat(1500) }),
    maxClients: 4,
    maxBufferBytes,
  });
  const driver = createEspruinoHttpServer({
    http,
    port: 80,
    log,
    timers,
    addresses: () => ['192.168.4.1'],
    staticFiles: null,
  });
  driver.listen((req, res) => sse.handle(req, res));
  return { http, bus, sse, counts, records };
}

Sse('writes leave at most 536 bytes per pass', () => {
  const { http, bus } = startSse(16384);
  const c = http.connect({ url: '/events' });
  const payload = { text: 'y'.repeat(900) };
  for (let i = 0; i < 5; i++) {
    bus.emit('display.frameRendered', {
      width: 128,
      height: 64,
      lines: [String(i), payload.text],
    });
  }
  http.drainAll();
  assert.ok(c.res.sends.length > 10);
  assert.ok(c.res.sends.every((n) => n <= CHUNK_SIZE));
  const body = c.res.body();
  assert.ok(body.indexOf('retry: 3000') === 0);
  let at = body.indexOf('event: status');
  for (let i = 0; i < 5; i++) {
    const next = body.indexOf('["' + i + '",', at);
    assert.ok(next > at, 'message ' + i + ' in order');
    at = next;
  }
});

Sse('later messages wait for drain', () => {
  const { http, bus } = startSse(16384);
  const c = http.connect({ url: '/events' });
  // Only the first write went to the socket; the snapshot waits in the hub.
  assert.ok((c.res.sendBuffer || '').indexOf('retry: 3000') > 0);
  assert.is((c.res.sendBuffer || '').indexOf('event: status'), -1);

  bus.emit('log.setEnabled', { enabled: false });
  assert.is((c.res.sendBuffer || '').indexOf('log.setEnabled'), -1);

  http.drainAll();
  assert.ok(c.res.body().indexOf('event: log.setEnabled') > 0);
});

Sse('client that stops reading is dropped', () => {
  const { http, bus, sse, counts, records } = startSse(2048);
  const c = http.connect({ url: '/events' });
  assert.is(sse.clientCount(), 1);
  for (let i = 0; i < 3; i++) {
    bus.emit('display.frameRendered', {
      width: 128,
      height: 64,
      lines: ['z'.repeat(900)],
    });
  }
  assert.is(sse.clientCount(), 0);
  assert.is(c.req.clsNow, true);
  http.tick();
  assert.ok(c.res.closed);
  assert.equal(counts, [{ sse: 1 }, { sse: 0 }]);
  assert.ok(records.some((r) => r.msg === 'dropping SSE client'));
});

Sse('closed connection leaves the hub', () => {
  const { http, sse } = startSse(16384);
  const c = http.connect({ url: '/events' });
  http.drainAll();
  assert.is(sse.clientCount(), 1);
  c.req.clsNow = true;
  http.tick();
  assert.is(sse.clientCount(), 0);
});

Sse.run();

// ---------------------------------------------------------------------------

const Storage = suite('espruino SD file store');

function startStore(root = '') {
  const sd = new FakeSdCard();
  const spi = { setup() {} };
  const cs = new FakePin('D18');
  const store = createSdFileStore({
    E: sd.E,
    fs: sd.fs,
    connect: () => sd.E.connectSDCard(spi, cs),
    root,
    maxPathLength: 63,
  });
  return { sd, store };
}

Storage('mount connects the card and creates logs', () => {
  const { sd, store } = startStore();
  store.mount();
  assert.is(sd.connects, 1);
  assert.ok(sd.dirs['logs']);
  store.mount();
  assert.is(sd.connects, 2);
});

Storage('mount without a card throws', () => {
  const { sd, store } = startStore();
  sd.present = false;
  assert.throws(() => store.mount(), /Unable to mount media/);
});

Storage('append, read, size and list', () => {
  const { store } = startStore();
  store.mount();
  store.append('logs/2026-06-01.csv', 'a,b\n');
  store.append('/logs//2026-06-01.csv', '1,2\n');
  store.write('logs/2026-06-01.jsonl', '{}\n');
  assert.is(store.read('logs/2026-06-01.csv'), 'a,b\n1,2\n');
  assert.is(store.size('logs/2026-06-01.csv'), 8);
  assert.equal(store.list('logs').sort(), [
    '2026-06-01.csv',
    '2026-06-01.jsonl',
  ]);
  assert.equal(store.list('').sort(), ['logs']);
});

Storage('missing files and folders', () => {
  const { store } = startStore();
  store.mount();
  assert.is(store.read('logs/none.csv'), null);
  assert.is(store.size('logs/none.csv'), -1);
  assert.is(store.readTail('logs/none.csv', 10), null);
  assert.is(store.readRange('logs/none.csv', 0, 10), null);
  assert.equal(store.list('nowhere'), []);
  assert.is(store.size('logs'), -1);
  assert.throws(() => store.append('nowhere/x.csv', 'x'), /NO_PATH/);
});

Storage('readRange and readTail seek', () => {
  const { store } = startStore();
  store.mount();
  store.write('logs/a.csv', '0123456789');
  assert.is(store.readRange('logs/a.csv', 3, 4), '3456');
  assert.is(store.readRange('logs/a.csv', 8, 10), '89');
  assert.is(store.readRange('logs/a.csv', 10, 5), '');
  assert.is(store.readTail('logs/a.csv', 3), '789');
  assert.is(store.readTail('logs/a.csv', 50), '0123456789');
});

Storage('long paths throw before reaching Espruino', () => {
  const { sd, store } = startStore();
  store.mount();
  const name = 'logs/' + 'x'.repeat(59) + '.csv';
  assert.throws(
    () => store.append(name, 'x'),
    /path too long for the file layer \(68 characters, max 63\)/,
  );
  assert.not.ok(sd.paths.some((p) => p.length > 63));
  store.append('logs/' + 'y'.repeat(54) + '.csv', 'ok');
});

Storage('remount after a pulled card', () => {
  const { sd, store } = startStore();
  store.mount();
  store.append('logs/a.csv', 'one\n');

  sd.pull();
  assert.throws(() => store.append('logs/a.csv', 'two\n'), /DISK_ERR/);
  sd.insert();
  assert.throws(() => store.append('logs/a.csv', 'two\n'), /DISK_ERR/);

  store.mount();
  store.append('logs/a.csv', 'two\n');
  assert.is(sd.connects, 2);
  assert.is(store.read('logs/a.csv'), 'one\ntwo\n');
});

Storage('truncate keeps the head and removes its copy', () => {
  const { sd, store } = startStore();
  store.mount();
  store.write('logs/a.csv', 'row1\nrow2\ntorn');
  store.truncate('logs/a.csv', 10);
  assert.is(store.read('logs/a.csv'), 'row1\nrow2\n');
  assert.equal(Object.keys(sd.files).sort(), ['logs/a.csv']);
  store.truncate('logs/a.csv', 50);
  assert.is(store.size('logs/a.csv'), 10);
  assert.throws(() => store.truncate('logs/none.csv', 0), /file not found/);
});

Storage('torn line repair works on the card', () => {
  const { store } = startStore();
  store.mount();
  store.write('logs/2026-06-01.csv', 'h\n1\n2,tor');
  const { log } = createCapturingLogger();
  const cut = repairTail(store, 'logs/2026-06-01.csv', log);
  assert.is(cut, 5);
  assert.is(store.read('logs/2026-06-01.csv'), 'h\n1\n');
  assert.is(store.read('logs/2026-06-01.csv.torn'), '2,tor\n');
});

Storage('mkdir makes parents and accepts existing', () => {
  const { sd, store } = startStore();
  store.mount();
  store.mkdir('a/b/c');
  store.mkdir('a/b');
  assert.ok(sd.dirs['a/b/c']);
  store.write('a/file', 'x');
  assert.throws(
    () => store.mkdir('a/file/d'),
    /cannot create folder a\/file: a file has that name/,
  );
});

Storage('folder root prefixes every path', () => {
  const { sd, store } = startStore('data/sd');
  store.mount();
  store.append('logs/a.csv', 'x');
  assert.is(sd.files['data/sd/logs/a.csv'], 'x');
  assert.equal(store.list('logs'), ['a.csv']);
});

Storage('openRead streams and closes', () => {
  const { store } = startStore();
  store.mount();
  store.mkdir('html');
  store.write('html/a.js', 'abcdef');
  const file = store.openRead('html/a.js');
  assert.ok(file);
  assert.is(file.size, 6);
  assert.is(file.read(4), 'abcd');
  assert.is(file.read(4), 'ef');
  assert.not.ok(file.read(4));
  file.close();
  assert.is(store.openRead('html/none.js'), null);
  assert.is(store.openRead('html'), null);
});

Storage.run();

// ---------------------------------------------------------------------------

const Display = suite('espruino SSD1306 display');

function startDisplay() {
  const i2c = new FakeI2c();
  const graphics = new FakeGraphics();
  const display = createSsd1306Display({
    i2c,
    address: 0x3c,
    createGraphics: () => graphics,
  });
  return { i2c, graphics, display };
}

/** Returns the 1024 bytes of the last frame, in the panel's memory order. */
function frameBytes(i2c: FakeI2c): number[] {
  const pages = i2c.writes.slice(-8);
  const bytes: number[] = [];
  for (const page of pages) {
    assert.is(page.bytes[0], 0x40);
    assert.is(page.bytes.length, 129);
    bytes.push(...page.bytes.slice(1));
  }
  return bytes;
}

Display('first show sets up the panel', () => {
  const { i2c, graphics, display } = startDisplay();
  display.show(['A']);
  assert.is(graphics.font, '6x8');
  assert.is(i2c.writes.length, 10);
  assert.ok(i2c.writes.every((w) => w.address === 0x3c));
  assert.equal(i2c.writes[0].bytes, [0x00].concat(INIT_COMMANDS));
  assert.equal(i2c.writes[1].bytes, [0x00].concat(WINDOW_COMMANDS));
  assert.equal(WINDOW_COMMANDS, [0x21, 0x00, 127, 0x22, 0x00, 7]);
  assert.equal(i2c.writes[1].bytes, [0x00, 0x21, 0, 127, 0x22, 0, 7]);
});

Display('framebuffer bytes for a known text', () => {
  const { i2c, display } = startDisplay();
  display.show(['A', '', '   Hi']);
  const bytes = frameBytes(i2c);
  const expected = new Array(1024).fill(0);
  // 'A' at column 0 of page 0; 'Hi' at column 18 (3 characters in) of page 2.
  FONT_6X8.A.forEach((b, i) => (expected[i] = b));
  FONT_6X8.H.forEach((b, i) => (expected[2 * 128 + 18 + i] = b));
  FONT_6X8.i.forEach((b, i) => (expected[2 * 128 + 24 + i] = b));
  assert.equal(bytes, expected);
  assert.equal(bytes.slice(0, 6), [96, 24, 22, 24, 96, 0]);
});

Display('unchanged frame is not sent again', () => {
  const { i2c, display } = startDisplay();
  display.show(['A', 'H']);
  const count = i2c.writes.length;
  display.show(['A', 'H']);
  display.show(['A', 'H', '', '', '', '', '', '', 'ignored ninth line']);
  assert.is(i2c.writes.length, count);
  display.show(['H']);
  assert.is(i2c.writes.length, count + 9);
});

Display('lines are cut to 21 characters', () => {
  const { graphics, display } = startDisplay();
  display.show(['A'.repeat(30)]);
  assert.is(graphics.drawn[0].text, 'A'.repeat(21));
  assert.equal(
    graphics.drawn.map((d) => d.y),
    [0, 8, 16, 24, 32, 40, 48, 56],
  );
});

Display('I2C error is thrown and the panel set up again', () => {
  const { i2c, display } = startDisplay();
  i2c.failNext = new Error("jshI2CWrite: slave doesn't ACK the transfer");
  assert.throws(() => display.show(['A']), /ACK/);
  display.show(['A']);
  assert.equal(i2c.writes[0].bytes, [0x00].concat(INIT_COMMANDS));
  assert.is(i2c.writes.length, 10);
});

Display.run();

// ---------------------------------------------------------------------------

const Led = suite('espruino NeoPixel LED');

Led('writes GRB after powering the pixel', () => {
  const neopixel = new FakeNeopixel();
  const data = new FakePin('D39');
  const power = new FakePin('D38');
  const led = createNeopixelLed({ neopixel, dataPin: data, powerPin: power });
  assert.is(power.level, null);
  led.set([10, 20, 30]);
  assert.is(power.level, true);
  assert.equal(neopixel.writes, [{ pin: data, data: [20, 10, 30] }]);
});

Led('clamps channels to bytes', () => {
  const neopixel = new FakeNeopixel();
  const led = createNeopixelLed({
    neopixel,
    dataPin: new FakePin('D39'),
    powerPin: null,
  });
  led.set([300, -5, 12.6]);
  assert.equal(neopixel.writes[0].data, [0, 255, 13]);
});

Led.run();

// ---------------------------------------------------------------------------

const Platform = suite('espruino platform');

function nodeSha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

Platform('SHA-256 matches node:crypto', () => {
  const sha256hex = createSha256Hex(fakeCrypto);
  assert.is(
    sha256hex('abc'),
    'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
  );
  const inputs = [
    '',
    'admin:shellyplusplugs-aabbccddeeff:secret',
    'POST:/rpc',
    'x'.repeat(1000),
  ];
  for (const text of inputs) assert.is(sha256hex(text), nodeSha256(text));
});

Platform('timers skip missing ids', () => {
  const original = globalThis.clearTimeout;
  const cleared: unknown[] = [];
  globalThis.clearTimeout = ((id: unknown) => {
    cleared.push(id);
  }) as typeof clearTimeout;
  try {
    espruinoTimers.clearTimeout(undefined);
    espruinoTimers.clearTimeout(null);
    espruinoTimers.clearTimeout(7);
  } finally {
    globalThis.clearTimeout = original;
  }
  assert.equal(cleared, [7]);
});

Platform('hex formats every byte', () => {
  assert.is(toHex(new Uint8Array([0, 15, 16, 255])), '000f10ff');
});

Platform.run();
