import fs from 'node:fs';
import http from 'node:http';
import * as net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Reading } from '../firmware/bus/events';
import { createMemoryFileStore } from '../firmware/drivers/fake/storage';
import { createNodeFileStore } from '../firmware/drivers/node/storage';
import type { Timers } from '../firmware/drivers/platform';
import type { FileStore } from '../firmware/drivers/storage';
import { readHistory, type History } from '../firmware/lib/api-history';
import { rawRequest, startWebRig, type WebRig } from './support/web-rig';

const JSON_HEADERS = { 'Content-Type': 'application/json' };
const DAY1 = '2026-06-01';
const DAY2 = '2026-06-02';

function reading(
  seq: number,
  ts: number,
  powerW: number,
  totalWh: number,
): Reading {
  return {
    seq,
    ts,
    timeSource: 'ntp',
    output: true,
    powerW,
    voltageV: 230,
    currentA: 0.1,
    freqHz: null,
    temperatureC: 31,
    plugTotalWh: totalWh,
    lastMinuteMWh: null,
    minuteTs: null,
    errors: [],
    totalWh,
    intervalWh: null,
    segment: 0,
    gapS: null,
  };
}

function jsonlRow(
  iso: string,
  powerW: number | null,
  totalWh: number | null,
): string {
  return (
    JSON.stringify({
      ts: iso,
      event: 'reading',
      power_W: powerW,
      total_Wh: totalWh,
    }) + '\n'
  );
}

async function post(
  rig: WebRig,
  path: string,
  body: string,
  headers: Record<string, string> = JSON_HEADERS,
) {
  return rawRequest(rig.port, 'POST', path, headers, body);
}

function errorOf(body: string): string {
  const parsed = JSON.parse(body);
  assert.type(parsed.error, 'string');
  return parsed.error;
}

function eventsOf(rig: WebRig, type: string): unknown[] {
  return rig.events.filter((e) => e.type === type).map((e) => e.payload);
}

test('status returns the latest bus state', async () => {
  const rig = await startWebRig();
  try {
    rig.bus.emit('shelly.linkChanged', {
      link: 'unreachable',
      failures: 4,
      retryInMs: 8000,
      error: { code: 'timeout', message: 'no reply in 3000 ms' },
    });
    rig.bus.emit(
      'shelly.readingReceived',
      reading(1, Date.UTC(2026, 5, 1, 10), 50, 1000),
    );
    rig.bus.emit(
      'shelly.readingReceived',
      reading(2, Date.UTC(2026, 5, 1, 11), 60, 1012.5),
    );
    rig.bus.emit('machine.transitioned', {
      machine: 'shelly',
      state: 'waiting',
      event: 'POLL_FAILED',
    });
    const res = await fetch(rig.base + '/api/status');
    assert.is(res.status, 200);
    assert.is(
      res.headers.get('content-type'),
      'application/json; charset=utf-8',
    );
    assert.is(res.headers.get('cache-control'), 'no-store');
    assert.is(res.headers.get('x-content-type-options'), 'nosniff');
    const body = await res.json();
    assert.is(body.plug.link, 'unreachable');
    assert.is(body.plug.failures, 4);
    assert.is(body.plug.lastError.code, 'timeout');
    assert.is(body.plug.reading.powerW, 60);
    assert.is(body.plug.reading.seq, 2);
    assert.is(body.plug.output, true);
    assert.equal(body.energyToday, { day: DAY1, wh: 12.5 });
    assert.is(body.machines.shelly.state, 'waiting');
    assert.is(body.machines.shelly.transitions.length, 1);
    assert.is(body.clock.source, 'fallback');
    assert.type(body.clock.now, 'string');
  } finally {
    await rig.close();
  }
});

test('plug command emits setOutput', async () => {
  const rig = await startWebRig();
  try {
    const res = await post(rig, '/api/plug', '{"on":true}');
    assert.is(res.status, 202);
    assert.equal(JSON.parse(res.body), { accepted: true });
    assert.is(res.headers['cache-control'], 'no-store');
    assert.equal(eventsOf(rig, 'shelly.setOutput'), [{ on: true }]);
  } finally {
    await rig.close();
  }
});

test('logging command emits setEnabled', async () => {
  const rig = await startWebRig();
  try {
    const res = await post(rig, '/api/logging', '{"enabled":false}');
    assert.is(res.status, 202);
    assert.equal(eventsOf(rig, 'log.setEnabled'), [{ enabled: false }]);
  } finally {
    await rig.close();
  }
});

test('time command validates the range', async () => {
  const rig = await startWebRig();
  try {
    const unixMs = Date.UTC(2026, 5, 1, 12, 0, 0, 250);
    const ok = await post(rig, '/api/time', JSON.stringify({ unixMs }));
    assert.is(ok.status, 202);
    assert.equal(eventsOf(rig, 'clock.set'), [{ unixMs, source: 'browser' }]);

    const cases = [
      Date.UTC(2019, 11, 31),
      Date.UTC(2100, 0, 2),
      '1780000000000',
      null,
    ];
    for (const value of cases) {
      const res = await post(
        rig,
        '/api/time',
        JSON.stringify({ unixMs: value }),
      );
      assert.is(res.status, 400, 'unixMs ' + JSON.stringify(value));
      assert.match(errorOf(res.body), /^unixMs must be a Unix time in ms/);
    }
    assert.is(eventsOf(rig, 'clock.set').length, 1);
  } finally {
    await rig.close();
  }
});

test('control bodies are validated', async () => {
  const rig = await startWebRig();
  try {
    const invalid = await post(rig, '/api/plug', '{"on":tru');
    assert.is(invalid.status, 400);
    assert.match(errorOf(invalid.body), /^invalid JSON: /);

    const wrongType = await post(rig, '/api/plug', '{"on":"yes"}');
    assert.is(wrongType.status, 400);
    assert.is(
      errorOf(wrongType.body),
      'on must be a boolean (true or false), got "yes"',
    );

    const missing = await post(rig, '/api/logging', '{}');
    assert.is(missing.status, 400);
    assert.is(
      errorOf(missing.body),
      'enabled must be a boolean (true or false), got nothing',
    );

    const notObject = await post(rig, '/api/plug', '[true]');
    assert.is(notObject.status, 400);
    assert.is(errorOf(notObject.body), 'request body must be a JSON object');
    assert.is(eventsOf(rig, 'shelly.setOutput').length, 0);
  } finally {
    await rig.close();
  }
});

test('control needs JSON content type', async () => {
  const rig = await startWebRig();
  try {
    const form = await post(rig, '/api/plug', 'on=true', {
      'Content-Type': 'application/x-www-form-urlencoded',
    });
    assert.is(form.status, 415);
    assert.match(errorOf(form.body), /Content-Type must be application\/json/);
    const none = await post(rig, '/api/plug', '{"on":true}', {});
    assert.is(none.status, 415);
    const plain = await post(rig, '/api/plug', '{"on":true}', {
      'Content-Type': 'text/plain',
    });
    assert.is(plain.status, 415);
    const charset = await post(rig, '/api/plug', '{"on":true}', {
      'Content-Type': 'application/json; charset=utf-8',
    });
    assert.is(charset.status, 202);
    assert.is(eventsOf(rig, 'shelly.setOutput').length, 1);
  } finally {
    await rig.close();
  }
});

test('control rejects cross-origin posts', async () => {
  const rig = await startWebRig();
  try {
    const host = '127.0.0.1:' + rig.port;
    const foreign = await post(rig, '/api/plug', '{"on":true}', {
      ...JSON_HEADERS,
      Origin: 'https://evil.example',
    });
    assert.is(foreign.status, 403);
    assert.match(errorOf(foreign.body), /^cross-origin request rejected/);
    const nullOrigin = await post(rig, '/api/plug', '{"on":true}', {
      ...JSON_HEADERS,
      Origin: 'null',
    });
    assert.is(nullOrigin.status, 403);
    const otherPort = await post(rig, '/api/plug', '{"on":true}', {
      ...JSON_HEADERS,
      Origin: 'http://127.0.0.1:1',
    });
    assert.is(otherPort.status, 403);
    assert.is(eventsOf(rig, 'shelly.setOutput').length, 0);
    const same = await post(rig, '/api/plug', '{"on":false}', {
      ...JSON_HEADERS,
      Origin: 'http://' + host,
    });
    assert.is(same.status, 202);
    const viaFetch = await fetch(rig.base + '/api/plug', {
      method: 'POST',
      headers: { ...JSON_HEADERS, Origin: 'http://attacker.test' },
      body: '{"on":true}',
    });
    assert.is(viaFetch.status, 403);
    assert.equal(eventsOf(rig, 'shelly.setOutput'), [{ on: false }]);
  } finally {
    await rig.close();
  }
});

test('control requires the API token', async () => {
  const rig = await startWebRig({ apiToken: 's3cret-token' });
  try {
    const missing = await post(rig, '/api/plug', '{"on":true}');
    assert.is(missing.status, 401);
    assert.is(missing.headers['www-authenticate'], 'Bearer');
    assert.match(errorOf(missing.body), /^missing API token/);
    const wrong = await post(rig, '/api/plug', '{"on":true}', {
      ...JSON_HEADERS,
      Authorization: 'Bearer s3cret-tokeX',
    });
    assert.is(wrong.status, 401);
    assert.is(errorOf(wrong.body), 'invalid API token');
    const longer = await post(rig, '/api/plug', '{"on":true}', {
      ...JSON_HEADERS,
      Authorization: 'Bearer s3cret-token2',
    });
    assert.is(longer.status, 401);
    const basic = await post(rig, '/api/plug', '{"on":true}', {
      ...JSON_HEADERS,
      Authorization: 'Basic czNjcmV0LXRva2Vu',
    });
    assert.is(basic.status, 401);
    assert.is(eventsOf(rig, 'shelly.setOutput').length, 0);
    assert.ok(
      !JSON.stringify(rig.logs).includes('s3cret'),
      'token must not be logged',
    );

    const ok = await post(rig, '/api/plug', '{"on":true}', {
      ...JSON_HEADERS,
      Authorization: 'Bearer s3cret-token',
    });
    assert.is(ok.status, 202);
    const status = await fetch(rig.base + '/api/status');
    assert.is(status.status, 200);
  } finally {
    await rig.close();
  }
});

test('oversized body gets 413', async () => {
  const rig = await startWebRig({ maxBodyBytes: 64 });
  try {
    const body = JSON.stringify({ on: true, padding: 'x'.repeat(200) });
    const res = await post(rig, '/api/plug', body);
    assert.is(res.status, 413);
    assert.is(errorOf(res.body), 'request body exceeds 64 bytes');
    assert.is(eventsOf(rig, 'shelly.setOutput').length, 0);
    const big = await fetch(rig.base + '/api/plug', {
      method: 'POST',
      headers: JSON_HEADERS,
      body: 'x'.repeat(100_000),
    });
    assert.is(big.status, 413);
    const fits = await post(rig, '/api/plug', '{"on":true}');
    assert.is(fits.status, 202);
  } finally {
    await rig.close();
  }
});

test('unknown routes and methods', async () => {
  const rig = await startWebRig({
    webRoot: { 'index.html': '<!doctype html>' },
  });
  try {
    const unknown = await rawRequest(rig.port, 'GET', '/api/nothing');
    assert.is(unknown.status, 404);
    assert.is(errorOf(unknown.body), 'unknown API route: /api/nothing');
    assert.is(unknown.headers['x-content-type-options'], 'nosniff');

    const cases: [string, string, string][] = [
      ['GET', '/api/plug', 'POST'],
      ['HEAD', '/api/plug', 'POST'],
      ['POST', '/api/status', 'GET, HEAD'],
      ['PUT', '/api/logs', 'GET, HEAD'],
      ['POST', '/events', 'GET'],
      ['HEAD', '/events', 'GET'],
      ['HEAD', '/api/history', 'GET'],
      ['DELETE', '/', 'GET, HEAD'],
      ['POST', '/api/logs/2026-06-01.csv', 'GET, HEAD'],
    ];
    for (const [method, path, allow] of cases) {
      const body = method === 'GET' || method === 'HEAD' ? undefined : '{}';
      const res = await rawRequest(rig.port, method, path, JSON_HEADERS, body);
      assert.is(res.status, 405, method + ' ' + path);
      assert.is(res.headers.allow, allow, method + ' ' + path);
      // A reply to HEAD has no body.
      if (method !== 'HEAD') {
        assert.match(errorOf(res.body), /^method .* not allowed/);
      }
    }
  } finally {
    await rig.close();
  }
});

test('static files with MIME types', async () => {
  const rig = await startWebRig({
    webRoot: {
      'index.html': '<!doctype html><title>Logger</title>',
      'service-worker.js': 'self.addEventListener("fetch", () => {});',
      'manifest.webmanifest': '{"name":"Logger"}',
      'css/app.css': 'body{}',
      'icon.svg': '<svg/>',
      'robots.txt': 'User-agent: *',
    },
  });
  try {
    const cases: [string, string][] = [
      ['/', 'text/html; charset=utf-8'],
      ['/index.html', 'text/html; charset=utf-8'],
      ['/service-worker.js', 'application/javascript; charset=utf-8'],
      ['/manifest.webmanifest', 'application/manifest+json'],
      ['/css/app.css', 'text/css; charset=utf-8'],
      ['/icon.svg', 'image/svg+xml'],
      ['/robots.txt?x=1', 'text/plain; charset=utf-8'],
    ];
    for (const [path, type] of cases) {
      const res = await fetch(rig.base + path);
      assert.is(res.status, 200, path);
      assert.is(res.headers.get('content-type'), type, path);
      assert.is(res.headers.get('x-content-type-options'), 'nosniff', path);
    }
    const index = await fetch(rig.base + '/');
    assert.is(await index.text(), '<!doctype html><title>Logger</title>');
    const missing = await fetch(rig.base + '/nothing.html');
    assert.is(missing.status, 404);
    assert.match(errorOf(await missing.text()), /^not found/);
  } finally {
    await rig.close();
  }
});

test('static never serves secrets or traversal', async () => {
  const rig = await startWebRig({
    webRoot: {
      'index.html': 'ok',
      'secrets.json': '{"apiToken":"LEAK"}',
      'secrets.local.json': '{"apiToken":"LEAK"}',
      'server.key': 'LEAK',
      '.env': 'LEAK',
      'notes.md': 'LEAK',
    },
  });
  try {
    const cases: [string, number][] = [
      ['/secrets.json', 404],
      ['/secrets.local.json', 404],
      ['/SECRETS.JSON', 404],
      ['/server.key', 404],
      ['/.env', 404],
      ['/notes.md', 404],
      ['/../secrets.json', 400],
      ['/./secrets.json', 400],
      ['/css/../secrets.json', 400],
      ['/%2e%2e/secrets.json', 400],
      ['/..%2fsecrets.json', 400],
      ['/x%5c..%5csecrets.json', 400],
      ['/x\\..\\secrets.json', 400],
      ['/%E0%A4%A', 400],
      ['/index.html%00.js', 400],
      ['//secrets.json', 404],
    ];
    for (const [path, status] of cases) {
      const res = await rawRequest(rig.port, 'GET', path);
      assert.is(res.status, status, path);
      assert.ok(!res.body.includes('LEAK'), path + ' leaked');
      assert.type(JSON.parse(res.body).error, 'string');
    }
  } finally {
    await rig.close();
  }
});

test('log list is newest first', async () => {
  const rig = await startWebRig();
  try {
    rig.store.mkdir('logs');
    rig.store.write('logs/' + DAY1 + '.csv', 'ts\n1\n');
    rig.store.write('logs/' + DAY1 + '.jsonl', '{}\n');
    rig.store.write('logs/' + DAY2 + '.csv', 'ts\n');
    rig.store.write('logs/' + DAY2 + '.jsonl.torn', 'x');
    rig.store.write('logs/notes.txt', 'x');
    const res = await fetch(rig.base + '/api/logs');
    assert.is(res.status, 200);
    assert.is(res.headers.get('cache-control'), 'no-store');
    const body = await res.json();
    assert.equal(body.files, [
      { name: DAY2 + '.csv', bytes: 3 },
      { name: DAY1 + '.jsonl', bytes: 3 },
      { name: DAY1 + '.csv', bytes: 5 },
    ]);
  } finally {
    await rig.close();
  }
});

test('log download streams whole files', async () => {
  const rig = await startWebRig();
  try {
    rig.store.mkdir('logs');
    let csv = 'ts,power_W\n';
    for (let i = 0; i < 40_000; i++)
      csv += '2026-06-01T00:00:' + i + 'Z,' + (i % 97) + '.5\n';
    rig.store.write('logs/' + DAY1 + '.csv', csv);
    rig.store.write(
      'logs/' + DAY1 + '.jsonl',
      jsonlRow('2026-06-01T00:00:00Z', 1, 2),
    );

    const res = await fetch(rig.base + '/api/logs/' + DAY1 + '.csv');
    assert.is(res.status, 200);
    assert.is(res.headers.get('content-type'), 'text/csv; charset=utf-8');
    assert.is(
      res.headers.get('content-disposition'),
      'attachment; filename="' + DAY1 + '.csv"',
    );
    const text = await res.text();
    assert.ok(
      csv.length > 1_000_000,
      'file should be large enough to need draining',
    );
    assert.is(text.length, csv.length);
    assert.ok(text === csv, 'downloaded text differs from the file');

    const jsonl = await fetch(rig.base + '/api/logs/' + DAY1 + '.jsonl');
    assert.is(jsonl.headers.get('content-type'), 'application/x-ndjson');
    assert.is(await jsonl.text(), jsonlRow('2026-06-01T00:00:00Z', 1, 2));
  } finally {
    await rig.close();
  }
});

test('log download rejects bad names', async () => {
  const rig = await startWebRig();
  try {
    rig.store.mkdir('logs');
    rig.store.write('secrets.json', '{"apiToken":"LEAK"}');
    rig.store.write('logs/' + DAY1 + '.jsonl.torn', 'LEAK');
    const cases: [string, number][] = [
      ['/api/logs/..%2Fsecrets.json', 400],
      ['/api/logs/..%2fsecrets.json', 400],
      ['/api/logs/../secrets.json', 400],
      ['/api/logs/%2e%2e%2fsecrets.json', 400],
      ['/api/logs/' + DAY1 + '.jsonl.torn', 400],
      ['/api/logs/' + DAY1 + '.txt', 400],
      ['/api/logs/2026-6-1.csv', 400],
      ['/api/logs/sub/' + DAY1 + '.csv', 400],
      ['/api/logs/' + DAY2 + '.csv', 404],
    ];
    for (const [path, status] of cases) {
      const res = await rawRequest(rig.port, 'GET', path);
      assert.is(res.status, status, path);
      assert.ok(!res.body.includes('LEAK'), path + ' leaked');
      assert.type(JSON.parse(res.body).error, 'string');
    }
  } finally {
    await rig.close();
  }
});

test('pulled card gives 503', async () => {
  const rig = await startWebRig();
  try {
    rig.store.mkdir('logs');
    rig.store.write('logs/' + DAY1 + '.csv', 'ts\n');
    rig.store.fail = true;
    for (const path of [
      '/api/logs',
      '/api/logs/' + DAY1 + '.csv',
      '/api/history',
    ]) {
      const res = await rawRequest(rig.port, 'GET', path);
      assert.is(res.status, 503, path);
      assert.is(errorOf(res.body), 'log storage unavailable: card missing');
    }
  } finally {
    await rig.close();
  }
});

test('history averages buckets across days', async () => {
  const rig = await startWebRig();
  try {
    rig.store.mkdir('logs');
    rig.store.write(
      'logs/' + DAY1 + '.jsonl',
      jsonlRow('2026-06-01T23:00:00.000Z', 10, 100) +
        jsonlRow('2026-06-01T23:10:00.000Z', 30, 101) +
        JSON.stringify({
          ts: '2026-06-01T23:20:00.000Z',
          event: 'gap',
          power_W: null,
        }) +
        '\n' +
        jsonlRow('2026-06-01T23:40:00.000Z', null, 102) +
        '{"ts":"2026-06-01T23:50',
    );
    rig.store.write(
      'logs/' + DAY2 + '.jsonl',
      jsonlRow('2026-06-02T00:30:00.000Z', 100, 110) +
        jsonlRow('2026-06-02T05:00:00.000Z', 999, 999),
    );
    const from = '2026-06-01T23:00:00.000Z';
    const to = '2026-06-02T01:00:00.000Z';
    const res = await fetch(
      rig.base +
        '/api/history?from=' +
        from +
        '&to=' +
        Date.parse(to) +
        '&maxPoints=4',
    );
    assert.is(res.status, 200);
    assert.is(res.headers.get('cache-control'), 'no-store');
    const body = await res.json();
    assert.is(body.bucketMs, 30 * 60_000);
    assert.equal(body.files, [DAY1 + '.jsonl', DAY2 + '.jsonl']);
    assert.is(body.skippedLines, 1);
    assert.equal(body.points, [
      { ts: Date.parse(from), powerW: 20, totalWh: 101 },
      { ts: Date.parse(from) + 30 * 60_000, powerW: null, totalWh: 102 },
      { ts: Date.parse(from) + 90 * 60_000, powerW: 100, totalWh: 110 },
    ]);
  } finally {
    await rig.close();
  }
});

test('history rejects bad ranges', async () => {
  const rig = await startWebRig();
  try {
    const cases: [string, RegExp][] = [
      [
        'from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z',
        /^range is longer than 31 days/,
      ],
      [
        'from=2026-06-02T00:00:00Z&to=2026-06-01T00:00:00Z',
        /^from must be before to/,
      ],
      ['from=yesterday', /^from must be an ISO 8601 time or Unix ms/],
      ['to=soon', /^to must be an ISO 8601 time or Unix ms/],
      ['maxPoints=0', /^maxPoints must be an integer from 1 to 2000/],
      ['maxPoints=2.5', /^maxPoints must be an integer/],
      ['maxPoints=100000', /^maxPoints must be an integer/],
      [
        'from=8639999999999999&to=8640000086400000',
        /^from must be between 1970-01-01 and 2100-01-01, got "8639999999999999"/,
      ],
      [
        'from=2099-12-31T00:00:00Z&to=2100-01-02T00:00:00Z',
        /^to must be between 1970-01-01 and 2100-01-01/,
      ],
      [
        'from=1969-12-31T00:00:00Z&to=1970-01-01T12:00:00Z',
        /^from must be between 1970-01-01 and 2100-01-01/,
      ],
    ];
    for (const [query, message] of cases) {
      const res = await rawRequest(rig.port, 'GET', '/api/history?' + query);
      assert.is(res.status, 400, query);
      assert.match(errorOf(res.body), message, query);
    }
  } finally {
    await rig.close();
  }
});

test('history defaults to the last day', async () => {
  const rig = await startWebRig();
  try {
    const res = await fetch(rig.base + '/api/history');
    assert.is(res.status, 200);
    const body = await res.json();
    assert.is(body.to - body.from, 86_400_000);
    assert.ok(
      Math.abs(body.to - rig.status.now()) < 5000,
      'to should be the trusted now',
    );
    assert.equal(body.points, []);
  } finally {
    await rig.close();
  }
});

/** Builds a day of JSON Lines rows, one per second, 356 bytes each. */
function dayOfRows(day: string): string {
  const start = Date.parse(day + 'T00:00:00Z');
  const rows: string[] = [];
  for (let i = 0; i < 86_400; i++) {
    rows.push(
      JSON.stringify({
        ts: new Date(start + i * 1000).toISOString(),
        time_source: 'ntp',
        event: 'reading',
        seq: i + 1,
        output: true,
        power_W: 100 + (i % 50),
        voltage_V: 230.1,
        current_A: 0.452,
        freq_Hz: 50,
        temperature_C: 31.2,
        plug_total_Wh: 1000 + i / 36,
        last_minute_mWh: 1666,
        minute_ts: Math.floor((start + i * 1000) / 60_000) * 60,
        errors: '',
        total_Wh: 1000 + i / 36,
        interval_Wh: 0.028,
        segment: 0,
        gap_s: null,
        note: '',
      }),
    );
  }
  return rows.join('\n') + '\n';
}

/** Creates a folder with full day files for 2026-06-01 to 2026-06-0`days`. */
function bigLogFolder(days: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'history-test-'));
  fs.mkdirSync(path.join(dir, 'logs'));
  const first = path.join(dir, 'logs', DAY1 + '.jsonl');
  fs.writeFileSync(first, dayOfRows(DAY1));
  for (let d = 2; d <= days; d++) {
    // The same rows under another day's name: each file costs a full read.
    fs.linkSync(first, path.join(dir, 'logs', '2026-06-0' + d + '.jsonl'));
  }
  return dir;
}

/** Wraps a store to count its `readRange` calls. */
function countReads(store: FileStore): FileStore & { reads: number } {
  const counted = Object.assign({}, store, { reads: 0 });
  counted.readRange = (file, offset, bytes) => {
    counted.reads++;
    return store.readRange(file, offset, bytes);
  };
  return counted;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitUntil(condition: () => boolean, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error('condition not met within ' + timeoutMs + ' ms');
    }
    await delay(5);
  }
}

test('history keeps the server responsive', async () => {
  const dir = bigLogFolder(3);
  const rig = await startWebRig({ api: { store: createNodeFileStore(dir) } });
  let last = performance.now();
  let longestGapMs = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    longestGapMs = Math.max(longestGapMs, now - last);
    last = now;
  }, 5);
  try {
    let historyDone = false;
    const history = fetch(
      rig.base +
        '/api/history?from=2026-06-01T00:00:00Z&to=2026-06-03T23:59:59Z',
    ).then(async (res) => {
      const body = (await res.json()) as History;
      historyDone = true;
      return { status: res.status, body };
    });
    await delay(50);
    const statusStart = performance.now();
    const status = await fetch(rig.base + '/api/status');
    const statusMs = performance.now() - statusStart;
    const answeredDuringHistory = !historyDone;
    const result = await history;

    assert.is(status.status, 200);
    assert.ok(answeredDuringHistory, 'status waited for the history');
    assert.ok(statusMs < 250, 'status took ' + Math.round(statusMs) + ' ms');
    assert.ok(
      longestGapMs < 250,
      'event loop blocked for ' + Math.round(longestGapMs) + ' ms',
    );
    assert.is(result.status, 200);
    assert.equal(result.body.files, [
      DAY1 + '.jsonl',
      DAY2 + '.jsonl',
      '2026-06-03.jsonl',
    ]);
    assert.is(result.body.skippedLines, 0);
    assert.ok(result.body.points.length > 100, 'points from the first day');
  } finally {
    clearInterval(ticker);
    await rig.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('history requests are capped and cancelled', async () => {
  const dir = bigLogFolder(3);
  const store = countReads(createNodeFileStore(dir));
  const rig = await startWebRig({
    api: { store, historyMaxConcurrent: 1 },
  });
  const longRange =
    '/api/history?from=2026-06-01T00:00:00Z&to=2026-06-03T23:59:59Z';
  try {
    const leaving = new AbortController();
    const first = fetch(rig.base + longRange, {
      signal: leaving.signal,
    }).catch((err: Error) => err);
    await waitUntil(() => store.reads > 0);

    const second = await rawRequest(rig.port, 'GET', longRange);
    assert.is(second.status, 503);
    assert.is(
      errorOf(second.body),
      'too many history requests in progress (max 1); retry in a few seconds',
    );
    assert.is(second.headers['retry-after'], '5');

    leaving.abort();
    assert.instance(await first, Error);
    await waitUntil(() =>
      rig.logs.some(
        (r) => r.msg === 'history request cancelled, the client left',
      ),
    );
    const readsAtCancel = store.reads;
    await delay(100);
    assert.is(
      store.reads,
      readsAtCancel,
      'reads went on after the client left',
    );

    const third = await fetch(
      rig.base +
        '/api/history?from=2026-06-01T00:00:00Z&to=2026-06-01T01:00:00Z',
    );
    assert.is(third.status, 200);
    assert.is(((await third.json()) as History).points.length, 500);
  } finally {
    await rig.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('history reads in bounded steps', () => {
  const memory = createMemoryFileStore();
  memory.mkdir('logs');
  let text = '';
  for (let i = 0; i < 400; i++) {
    const iso = new Date(Date.UTC(2026, 5, 1, 0, i)).toISOString();
    // A multi-byte note checks that offsets count bytes.
    text += JSON.stringify({
      ts: iso,
      event: 'reading',
      power_W: i,
      total_Wh: i / 10,
      note: 'Ω',
    });
    text += '\n';
  }
  memory.write('logs/' + DAY1 + '.jsonl', text);
  const store = countReads(memory);
  let readBytes = 0;
  store.readRange = (file, offset, bytes) => {
    readBytes += bytes;
    return memory.readRange(file, offset, bytes);
  };

  const queue: (() => void)[] = [];
  const timers: Timers = {
    now: () => 0,
    setTimeout: (fn) => queue.push(fn),
    clearTimeout: () => undefined,
  };
  const query = {
    from: Date.UTC(2026, 5, 1),
    to: Date.UTC(2026, 5, 1, 6, 40),
    maxPoints: 40,
  };
  let result: { history: History } | { error: unknown } | null = null;
  readHistory({ store, timers, stepBytes: 1000 }, query, (r) => (result = r));
  assert.is(readBytes, 0, 'the first step waits for a timer');

  const stepBytes: number[] = [];
  while (queue.length > 0) {
    const step = queue.shift() as () => void;
    readBytes = 0;
    step();
    stepBytes.push(readBytes);
  }
  assert.ok(stepBytes.length > 20, 'steps: ' + stepBytes.length);
  for (const bytes of stepBytes) assert.ok(bytes <= 1000, bytes + ' bytes');
  assert.ok(result !== null, 'done was called');
  assert.ok('history' in (result as object), 'done got a history');
  const history = (result as unknown as { history: History }).history;
  assert.is(history.skippedLines, 0);
  assert.is(history.points.length, 40);
  assert.equal(history.points[0], {
    ts: query.from,
    powerW: 4.5,
    totalWh: 0.9,
  });
});

/** Sends raw request text and returns the whole raw reply. */
test('reads reject foreign Host names', async () => {
  const rig = await startWebRig({ api: { allowedHosts: ['logger.local'] } });
  try {
    for (const path of ['/api/status', '/api/logs', '/events']) {
      const res = await fetchRaw(rig.port, path, 'evil.example');
      assert.is(res.status, 403, path);
      assert.match(
        JSON.parse(res.body).error,
        /Host "evil.example" is not allowed/,
      );
    }
    const ok = await fetchRaw(rig.port, '/api/status', 'logger.local');
    assert.is(ok.status, 200);
    const page = await fetchRaw(rig.port, '/', 'evil.example');
    assert.is.not(page.status, 403, 'static files need no allowed Host');
  } finally {
    await rig.close();
  }
});

/** GET with a chosen Host header; fetch() cannot set one. */
function fetchRaw(
  port: number,
  path: string,
  host: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path, headers: { Host: host }, agent: false },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
          if (path === '/events') req.destroy();
        });
        res.on('end', () => resolve({ status: res.statusCode || 0, body }));
        res.on('close', () => resolve({ status: res.statusCode || 0, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

function rawExchange(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.end(text));
    let reply = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (reply += chunk));
    socket.on('end', () => resolve(reply));
    socket.on('error', reject);
  });
}

test('control rejects foreign Host names', async () => {
  const rig = await startWebRig({ api: { allowedHosts: ['Logger.local'] } });
  try {
    const port = rig.port;
    const rejected = [
      'evil.example',
      'evil.example:' + port,
      '127.0.0.1.evil.example',
      'logger.local.evil.example',
      'localhost.evil.example',
      '[::1',
      '127.0.0.1:80x',
    ];
    for (const host of rejected) {
      const res = await post(rig, '/api/plug', '{"on":true}', {
        ...JSON_HEADERS,
        Host: host,
        Origin: 'http://' + host,
      });
      assert.is(res.status, 403, host);
      assert.is(
        errorOf(res.body),
        'Host ' +
          JSON.stringify(host) +
          ' is not allowed: use an IP address or localhost, or add the' +
          ' name to allowedHosts',
      );
    }
    assert.is(eventsOf(rig, 'shelly.setOutput').length, 0);
    assert.ok(
      rig.logs.some(
        (r) => r.msg === 'control request rejected' && r.fields?.status === 403,
      ),
    );

    const accepted = [
      '127.0.0.1:' + port,
      'localhost:' + port,
      '[::1]:' + port,
      '192.168.1.20',
      'logger.local:8443',
      'LOGGER.LOCAL.',
    ];
    for (const host of accepted) {
      const res = await post(rig, '/api/plug', '{"on":true}', {
        ...JSON_HEADERS,
        Host: host,
        Origin: 'http://' + host,
      });
      assert.is(res.status, 202, host);
    }
    assert.is(eventsOf(rig, 'shelly.setOutput').length, accepted.length);

    const body = '{"on":true}';
    const noHost = await rawExchange(
      port,
      'POST /api/plug HTTP/1.0\r\nContent-Type: application/json\r\n' +
        'Content-Length: ' +
        body.length +
        '\r\n\r\n' +
        body,
    );
    assert.match(noHost, /^HTTP\/1\.1 403 /);
    assert.match(noHost, /\{"error":"missing Host header"\}$/);
  } finally {
    await rig.close();
  }
});

test('pages forbid framing and referrers', async () => {
  const rig = await startWebRig({
    webRoot: { 'index.html': '<!doctype html>', 'app.js': '' },
  });
  try {
    const page = await fetch(rig.base + '/');
    assert.is(page.headers.get('x-frame-options'), 'DENY');
    assert.is(
      page.headers.get('content-security-policy'),
      "frame-ancestors 'none'",
    );
    assert.is(page.headers.get('referrer-policy'), 'no-referrer');
    const script = await fetch(rig.base + '/app.js');
    assert.is(script.headers.get('referrer-policy'), 'no-referrer');
    const status = await fetch(rig.base + '/api/status');
    assert.is(status.headers.get('referrer-policy'), 'no-referrer');
    const missing = await fetch(rig.base + '/api/nothing');
    assert.is(missing.headers.get('referrer-policy'), 'no-referrer');
  } finally {
    await rig.close();
  }
});

test('HEAD answers GET routes without a body', async () => {
  const rig = await startWebRig({
    webRoot: { 'index.html': '<!doctype html>' },
  });
  try {
    rig.store.mkdir('logs');
    rig.store.write('logs/' + DAY1 + '.csv', 'ts\n' + 'x'.repeat(100_000));
    const cases: [string, string][] = [
      ['/api/status', 'application/json; charset=utf-8'],
      ['/api/logs', 'application/json; charset=utf-8'],
      ['/api/logs/' + DAY1 + '.csv', 'text/csv; charset=utf-8'],
      ['/', 'text/html; charset=utf-8'],
    ];
    for (const [route, type] of cases) {
      const res = await rawRequest(rig.port, 'HEAD', route);
      assert.is(res.status, 200, route);
      assert.is(res.headers['content-type'], type, route);
      assert.is(res.body, '', route);
    }
    const missing = await rawRequest(rig.port, 'HEAD', '/nothing.html');
    assert.is(missing.status, 404);
    const page = await rawRequest(rig.port, 'HEAD', '/');
    assert.is(page.headers['x-frame-options'], 'DENY');
  } finally {
    await rig.close();
  }
});

test('status shows plug errors and clears failures', async () => {
  const rig = await startWebRig();
  try {
    const locked = reading(1, Date.UTC(2026, 5, 1, 10), 0, 1000);
    locked.errors = ['overpower'];
    rig.bus.emit('shelly.readingReceived', locked);
    rig.bus.emit('shelly.commandFailed', {
      method: 'Switch.Set',
      code: 'rpc',
      message: 'Switch.Set error -109',
    });
    const failed = await (await fetch(rig.base + '/api/status')).json();
    assert.equal(failed.plug.reading.errors, ['overpower']);
    assert.is(failed.lastCommandFailure.message, 'Switch.Set error -109');

    rig.bus.emit('shelly.outputSet', { on: true, wasOn: false });
    rig.bus.emit(
      'shelly.readingReceived',
      reading(2, Date.UTC(2026, 5, 1, 10, 1), 50, 1000),
    );
    const switched = await (await fetch(rig.base + '/api/status')).json();
    assert.is(switched.lastCommandFailure, null);
    assert.equal(switched.plug.reading.errors, []);
  } finally {
    await rig.close();
  }
});

test('time command reports a trusted clock', async () => {
  const rig = await startWebRig();
  try {
    const unixMs = Date.UTC(2026, 5, 1, 12);
    const untrusted = await post(rig, '/api/time', JSON.stringify({ unixMs }));
    assert.equal(JSON.parse(untrusted.body), { accepted: true });

    rig.bus.emit('clock.statusChanged', {
      source: 'ntp',
      offsetMs: 0,
      trusted: true,
    });
    const trusted = await post(rig, '/api/time', JSON.stringify({ unixMs }));
    assert.is(trusted.status, 202);
    assert.equal(JSON.parse(trusted.body), {
      accepted: true,
      used: false,
      reason:
        'the logger clock is set from ntp, a trusted source, so the browser' +
        ' time is not used',
    });
    assert.is(eventsOf(rig, 'clock.set').length, 2);
  } finally {
    await rig.close();
  }
});

test.run();
