import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Reading } from '../firmware/bus/events';
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
      ['POST', '/api/status', 'GET'],
      ['PUT', '/api/logs', 'GET'],
      ['POST', '/events', 'GET'],
      ['DELETE', '/', 'GET'],
      ['POST', '/api/logs/2026-06-01.csv', 'GET'],
    ];
    for (const [method, path, allow] of cases) {
      const body = method === 'GET' ? undefined : '{}';
      const res = await rawRequest(rig.port, method, path, JSON_HEADERS, body);
      assert.is(res.status, 405, method + ' ' + path);
      assert.is(res.headers.allow, allow, method + ' ' + path);
      assert.match(errorOf(res.body), /^method .* not allowed/);
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

test.run();
