import * as net from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createBus } from '../firmware/bus/bus';
import type { Events } from '../firmware/bus/events';
import { createFakeTimers } from '../firmware/drivers/fake/timers';
import { createLogger, type LogRecord } from '../firmware/lib/logger';
import { createSseHub, formatMessage } from '../firmware/lib/sse';
import { createFakeResponse, fakeRequest } from './support/fake-response';
import {
  openEventStream,
  startWebRig,
  type SseMessage,
} from './support/web-rig';

const LED: Events['led.colorChanged'] = {
  rgb: [0, 255, 0],
  reason: 'logging ok',
};

async function waitUntil(
  condition: () => boolean,
  timeoutMs = 2000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline)
      throw new Error('condition not met within ' + timeoutMs + ' ms');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function busMessages(messages: SseMessage[]): SseMessage[] {
  return messages.filter((m) => m.event !== undefined && m.event !== 'status');
}

function hubRig(
  options: {
    maxClients?: number;
    maxBufferBytes?: number;
    heartbeatMs?: number;
  } = {},
) {
  const logs: LogRecord[] = [];
  const log = createLogger((r) => logs.push(r), 'debug', 'test');
  const bus = createBus(log);
  const timers = createFakeTimers();
  const counts: number[] = [];
  bus.on('server.clientsChanged', (p) => counts.push(p.sse));
  const hub = createSseHub({
    bus,
    timers,
    log,
    snapshot: () => ({ snapshot: true }),
    historySize: 5,
    heartbeatMs: options.heartbeatMs ?? 1000,
    maxClients: options.maxClients,
    maxBufferBytes: options.maxBufferBytes,
  });
  return { bus, timers, hub, counts, logs };
}

test('stream sends ids, names and JSON', async () => {
  const rig = await startWebRig({ sse: { retryMs: 2500 } });
  try {
    const client = await openEventStream(rig.port);
    assert.is(client.status, 200);
    assert.is(
      client.headers['content-type'],
      'text/event-stream; charset=utf-8',
    );
    assert.is(client.headers['cache-control'], 'no-store');
    await client.waitFor((m) => m.event === 'server.clientsChanged');
    rig.bus.emit('led.colorChanged', LED);
    rig.bus.emit('log.setEnabled', { enabled: true });
    await client.waitFor((m) => m.event === 'log.setEnabled');

    assert.equal(client.messages[0], { retry: '2500' });
    const status = client.messages[1];
    assert.is(status.event, 'status');
    assert.is(status.id, '0');
    assert.is(JSON.parse(status.data as string).clock.source, 'fallback');
    assert.equal(busMessages(client.messages), [
      { id: '1', event: 'server.clientsChanged', data: '{"sse":1}' },
      { id: '2', event: 'led.colorChanged', data: JSON.stringify(LED) },
      { id: '3', event: 'log.setEnabled', data: '{"enabled":true}' },
    ]);
    client.close();
  } finally {
    await rig.close();
  }
});

test('reconnect replays after Last-Event-ID', async () => {
  const rig = await startWebRig({ sse: { historySize: 10 } });
  try {
    for (let i = 0; i < 5; i++)
      rig.bus.emit('log.setEnabled', { enabled: i % 2 === 0 });
    const client = await openEventStream(rig.port, { 'Last-Event-ID': '2' });
    await client.waitFor((m) => m.event === 'server.clientsChanged');
    assert.ok(
      !client.messages.some((m) => m.event === 'status'),
      'no snapshot on replay',
    );
    assert.equal(
      busMessages(client.messages).map((m) => m.id),
      ['3', '4', '5', '6'],
    );
    client.close();
    await waitUntil(() => rig.sse.clientCount() === 0);

    const upToDate = await openEventStream(rig.port, {
      'Last-Event-ID': String(rig.sse.lastEventId()),
    });
    await upToDate.waitFor((m) => m.event === 'server.clientsChanged');
    assert.ok(!upToDate.messages.some((m) => m.event === 'status'));
    assert.is(busMessages(upToDate.messages).length, 1);
    upToDate.close();
  } finally {
    await rig.close();
  }
});

test('unknown Last-Event-ID gets a snapshot', async () => {
  const rig = await startWebRig({ sse: { historySize: 3 } });
  try {
    for (let i = 0; i < 6; i++)
      rig.bus.emit('log.setEnabled', { enabled: true });
    for (const lastId of ['1', '999', 'abc', '-1']) {
      const client = await openEventStream(rig.port, {
        'Last-Event-ID': lastId,
      });
      const status = await client.waitFor((m) => m.event === 'status');
      assert.is(client.messages.indexOf(status), 1, 'snapshot follows retry');
      const next = await client.waitFor(
        (m) => m.event === 'server.clientsChanged',
      );
      assert.is(
        Number(next.id),
        Number(status.id) + 1,
        'Last-Event-ID ' + lastId,
      );
      client.close();
      await waitUntil(() => rig.sse.clientCount() === 0);
    }
  } finally {
    await rig.close();
  }
});

test('heartbeat comments arrive', async () => {
  const rig = await startWebRig({ sse: { heartbeatMs: 30 } });
  try {
    const client = await openEventStream(rig.port);
    await client.waitFor((m) => m.comment === 'ping', 1000);
    client.close();
  } finally {
    await rig.close();
  }
});

test('client over the cap is told to retry', async () => {
  const rig = await startWebRig({ sse: { maxClients: 2 } });
  try {
    const first = await openEventStream(rig.port);
    const second = await openEventStream(rig.port);
    const third = await openEventStream(rig.port, { 'Last-Event-ID': '1' });
    // EventSource stops for good on any status but 200.
    assert.is(third.status, 200);
    assert.is(
      third.headers['content-type'],
      'text/event-stream; charset=utf-8',
    );
    await third.closed;
    assert.equal(third.messages, [
      { retry: '10000' },
      {
        event: 'busy',
        data: JSON.stringify({
          error: 'too many live pages (max 2), retrying in 10 s',
          maxClients: 2,
          retryMs: 10000,
        }),
      },
    ]);
    assert.is(rig.sse.clientCount(), 2);

    const fourth = await openEventStream(rig.port);
    await fourth.closed;
    assert.is(fourth.messages[1].event, 'busy');
    const warnings = rig.logs.filter(
      (r) =>
        r.msg === 'SSE clients rejected with a retry delay, too many clients',
    );
    assert.is(warnings.length, 1, 'repeats within a minute are not warned');
    assert.is(warnings[0].level, 'warn');

    first.close();
    await second.waitFor((m) => m.data === '{"sse":1}');
    const fifth = await openEventStream(rig.port);
    assert.is(fifth.status, 200);
    await fifth.waitFor((m) => m.event === 'status');
    const counts = rig.events
      .filter((e) => e.type === 'server.clientsChanged')
      .map((e) => (e.payload as { sse: number }).sse);
    assert.equal(counts, [1, 2, 1, 2]);
    assert.is(rig.status.snapshot().server.sseClients, 2);
    second.close();
    fifth.close();
  } finally {
    await rig.close();
  }
});

test('busy warnings repeat once a minute', async () => {
  const { hub, timers, logs } = hubRig({ maxClients: 1 });
  hub.handle(fakeRequest(), createFakeResponse());
  const warnings = () =>
    logs.filter(
      (r) =>
        r.msg === 'SSE clients rejected with a retry delay, too many clients',
    );
  for (let i = 0; i < 3; i++) {
    const busy = createFakeResponse();
    hub.handle(fakeRequest(), busy);
    assert.ok(busy.ended, 'the busy stream ends');
    assert.match(busy.text(), /^retry: 10000\n\nevent: busy\n/);
  }
  assert.is(warnings().length, 1);
  await timers.advance(60_000);
  hub.handle(fakeRequest(), createFakeResponse());
  assert.is(warnings().length, 2);
  assert.is(warnings()[1].fields?.busyReplies, 3);
  assert.is(hub.clientCount(), 1);
});

test('stalled client is dropped', async () => {
  const rig = await startWebRig({ sse: { historySize: 5 } });
  const stalled = net.connect(rig.port, '127.0.0.1');
  try {
    await new Promise((resolve) => stalled.once('connect', resolve));
    stalled.write('GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    stalled.pause();
    const reader = await openEventStream(rig.port);
    await waitUntil(() => rig.sse.clientCount() === 2);

    const payload = { lines: ['x'.repeat(4000)], width: 128, height: 64 };
    let sent = 0;
    while (rig.sse.clientCount() === 2 && sent < 64_000_000) {
      for (let i = 0; i < 8; i++)
        rig.bus.emit('display.frameRendered', payload);
      sent += 8 * 4000;
      await new Promise((r) => setImmediate(r));
    }
    assert.is(rig.sse.clientCount(), 1, 'the stalled client should be gone');
    const dropped = rig.logs.find((r) => r.msg === 'dropping SSE client');
    assert.ok(dropped, 'the drop should be logged');
    assert.match(
      String(dropped?.fields?.reason),
      /send queue passed 16384 bytes/,
    );

    const lastId = String(rig.sse.lastEventId());
    await reader.waitFor((m) => m.id === lastId, 5000);
    const ids = busMessages(reader.messages).map((m) => Number(m.id));
    for (let i = 1; i < ids.length; i++)
      assert.is(ids[i], ids[i - 1] + 1, 'no gap in ids');
    reader.close();
  } finally {
    stalled.destroy();
    await rig.close();
  }
});

test('full socket queues until drain', () => {
  const { bus, hub } = hubRig({ maxBufferBytes: 10_000 });
  const res = createFakeResponse();
  hub.handle(fakeRequest(), res);
  res.writable = false;
  bus.emit('log.setEnabled', { enabled: true });
  const written = res.chunks.length;
  bus.emit('led.colorChanged', LED);
  bus.emit('log.setEnabled', { enabled: false });
  assert.is(
    res.chunks.length,
    written,
    'nothing written while the socket is full',
  );
  res.drain();
  assert.is(res.chunks.length, written + 1, 'the queue goes out in one write');
  assert.is(
    res.chunks[res.chunks.length - 1],
    formatMessage(3, 'led.colorChanged', LED) +
      formatMessage(4, 'log.setEnabled', { enabled: false }),
  );
  assert.is(hub.clientCount(), 1);
});

test('queue over the cap drops the client', () => {
  const { bus, hub, counts, logs } = hubRig({ maxBufferBytes: 500 });
  const slow = createFakeResponse();
  const fast = createFakeResponse();
  hub.handle(fakeRequest(), slow);
  hub.handle(fakeRequest(), fast);
  slow.writable = false;
  const frame = { width: 128, height: 64, lines: ['y'.repeat(200)] };
  bus.emit('display.frameRendered', frame);
  bus.emit('display.frameRendered', frame);
  assert.is(hub.clientCount(), 2);
  bus.emit('display.frameRendered', frame);
  bus.emit('display.frameRendered', frame);
  assert.is(hub.clientCount(), 1);
  assert.ok(slow.destroyed, 'the stalled response is destroyed');
  assert.equal(counts, [1, 2, 1]);
  assert.ok(
    logs.some((r) => r.msg === 'dropping SSE client' && r.fields?.client === 1),
  );
  assert.ok(
    fast.text().includes('"sse":1'),
    'the fast client hears about the drop',
  );
});

test('drops during announce do not nest', () => {
  const cap = 1000;
  const { bus, hub, counts } = hubRig({ maxBufferBytes: cap });
  const responses = [
    createFakeResponse(),
    createFakeResponse(),
    createFakeResponse(),
  ];
  for (const res of responses) hub.handle(fakeRequest(), res);
  counts.length = 0;
  const [fast, nearlyFull, stalled] = responses;
  const small = { width: 1, height: 1, lines: ['z'.repeat(50)] };

  stalled.writable = false;
  bus.emit('led.colorChanged', LED); // blocks `stalled`
  bus.emit('display.frameRendered', small); // queued for `stalled`
  nearlyFull.writable = false;
  bus.emit('display.frameRendered', small); // blocks `nearlyFull`
  assert.is(hub.clientCount(), 3);

  // A message that fits `nearlyFull` by 10 characters but passes the cap
  // for `stalled`. Dropping `stalled` announces the new count, and that
  // message pushes `nearlyFull` over the cap too.
  const emptyLength = formatMessage(
    hub.lastEventId() + 1,
    'display.frameRendered',
    {
      width: 1,
      height: 1,
      lines: [''],
    },
  ).length;
  const big = {
    width: 1,
    height: 1,
    lines: ['z'.repeat(cap - 10 - emptyLength)],
  };
  bus.emit('display.frameRendered', big);

  assert.is(hub.clientCount(), 1);
  assert.ok(stalled.destroyed, 'stalled is dropped');
  assert.ok(nearlyFull.destroyed, 'nearlyFull is dropped');
  assert.equal(counts, [2, 1]);
  assert.ok(fast.text().includes('{"sse":2}'));
  assert.ok(fast.text().includes('{"sse":1}'));
});

test('heartbeat runs only with clients', async () => {
  const { hub, timers } = hubRig({ heartbeatMs: 1000 });
  assert.is(timers.pendingCount(), 0);
  const res = createFakeResponse();
  hub.handle(fakeRequest(), res);
  await timers.advance(2500);
  assert.is(res.text().split(': ping\n\n').length - 1, 2);
  res.disconnect();
  assert.is(hub.clientCount(), 0);
  assert.is(timers.pendingCount(), 0);
});

test('close ends every stream', () => {
  const { bus, hub, counts } = hubRig();
  const a = createFakeResponse();
  const b = createFakeResponse();
  hub.handle(fakeRequest(), a);
  hub.handle(fakeRequest(), b);
  hub.close();
  assert.ok(a.ended, 'first stream ended');
  assert.ok(b.ended, 'second stream ended');
  assert.is(hub.clientCount(), 0);
  assert.equal(counts, [1, 2, 0]);
  bus.emit('log.setEnabled', { enabled: true });
  assert.ok(!a.text().includes('log.setEnabled'), 'no events after close');
});

test.run();
