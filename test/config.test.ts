import { existsSync, readFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  defaultConfig,
  parseConfig,
  plugBaseUrl,
  type Config,
} from '../firmware/config';

const EXAMPLE_PATH = new URL('../secrets.example.json', import.meta.url);

/** Returns the message of the error that `fn` throws. */
function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected the call to throw');
}

const FULL: Config = {
  plug: { address: 'http://192.168.1.50:80/', password: 'plug-pass' },
  pollIntervalMs: 2000,
  requestTimeoutMs: 1500,
  apiToken: 'token-123',
  sdRoot: '/sd',
  logging: { enabled: false, flushMs: 5000 },
  http: { host: '0.0.0.0', port: 80 },
  https: {
    enabled: false,
    port: 443,
    certDir: '/etc/logger/certs',
    names: ['logger.local'],
    ips: ['10.0.0.5'],
  },
  trustHostClock: false,
  logLevel: 'debug',
  simulator: { port: 8081 },
  ap: { ssid: 'LOGGER-AP', password: 'ap-pass-123' },
  station: { ssid: 'home', password: 'wifi-pass' },
};

const Parse = suite('parseConfig');

Parse('empty object gives defaults', () => {
  assert.equal(parseConfig({}), defaultConfig());
});

Parse('defaults have expected values', () => {
  const config = defaultConfig();

  assert.is(config.pollIntervalMs, 1000);
  assert.is(config.requestTimeoutMs, 3000);
  assert.is(config.plug.address, null);
  assert.is(config.plug.password, null);
  assert.is(config.apiToken, null);
  assert.is(config.logging.enabled, true);
  assert.equal(config.http, { host: '127.0.0.1', port: 8080 });
  assert.equal(config.https, {
    enabled: true,
    port: 8443,
    certDir: './certs/out',
    names: [],
    ips: [],
  });
  assert.is(config.logLevel, 'info');
});

Parse('defaultConfig returns a fresh copy', () => {
  const first = defaultConfig();
  first.http.port = 1;

  assert.is(defaultConfig().http.port, 8080);
});

Parse('full valid example is kept', () => {
  const raw = JSON.parse(JSON.stringify(FULL));

  assert.equal(parseConfig(raw), FULL);
});

Parse('partial nested object keeps other defaults', () => {
  const config = parseConfig({ http: { port: 9000 } });

  assert.equal(config.http, { host: '127.0.0.1', port: 9000 });
});

Parse('comment keys are ignored', () => {
  const config = parseConfig({
    $schema: './schema.json',
    $comment: 'local plug',
    plug: { $comment: 'Gen2 plug', address: '10.0.0.7' },
  });

  assert.is(config.plug.address, '10.0.0.7');
});

if (existsSync(EXAMPLE_PATH)) {
  Parse('repository secrets.example.json parses', () => {
    const raw = JSON.parse(readFileSync(EXAMPLE_PATH, 'utf8'));
    const config = parseConfig(raw);

    assert.is(typeof config.pollIntervalMs, 'number');
    assert.ok(config.pollIntervalMs >= 500);
  });
} else {
  // Reported as skipped while the repository has no secrets.example.json.
  Parse.skip('repository secrets.example.json parses', () => undefined);
}

Parse('unknown key is rejected by name', () => {
  const message = errorOf(() => parseConfig({ pollIntervalMS: 1000 }));

  assert.match(message, 'pollIntervalMS is not a known setting');
});

Parse('unknown nested key names its path', () => {
  const message = errorOf(() => parseConfig({ plug: { adress: '10.0.0.7' } }));

  assert.match(message, 'plug.adress is not a known setting');
});

Parse('inherited property names are unknown keys', () => {
  // JSON.parse creates own keys such as "__proto__", which `in` also finds
  // on Object.prototype.
  const raws = [
    '{"toString": 1}',
    '{"constructor": "x"}',
    '{"plug": {"hasOwnProperty": true}}',
    '{"__proto__": {}}',
  ];
  const outcomes = raws.map((text) => {
    try {
      parseConfig(JSON.parse(text));
      return text + ' accepted';
    } catch (err) {
      return text + ' ' + (err as Error).message;
    }
  });
  const misreported = outcomes.filter(
    (outcome) => !outcome.endsWith('is not a known setting'),
  );

  assert.equal(misreported, []);
});

Parse('wrong type names field and value', () => {
  const cases: [unknown, string][] = [
    [{ pollIntervalMs: '1000' }, 'pollIntervalMs must be a number, got "1000"'],
    [{ logging: { enabled: 'yes' } }, 'logging.enabled must be a boolean'],
    [{ plug: { address: 42 } }, 'plug.address must be a string, got 42'],
    [{ http: 8080 }, 'http must be a JSON object'],
    [{ apiToken: true }, 'apiToken must be a string, got true'],
  ];
  for (const [raw, expected] of cases) {
    assert.match(
      errorOf(() => parseConfig(raw)),
      expected,
    );
  }
});

Parse('string lists must hold strings', () => {
  const cases: [unknown, string][] = [
    [{ https: { names: 'logger.local' } }, 'https.names must be an array'],
    [{ https: { ips: [10] } }, 'https.ips must be an array of strings'],
    [{ https: { names: { a: 'b' } } }, 'https.names must be an array'],
  ];
  for (const [raw, expected] of cases) {
    assert.match(
      errorOf(() => parseConfig(raw)),
      expected,
    );
  }
});

Parse('string list is copied', () => {
  const names = ['logger.local'];
  const config = parseConfig({ https: { names } });
  names.push('other.local');

  assert.equal(config.https.names, ['logger.local']);
  assert.equal(defaultConfig().https.names, []);
});

Parse('https port must differ from http port', () => {
  const same = { http: { port: 9000 }, https: { port: 9000 } };

  assert.match(
    errorOf(() => parseConfig(same)),
    'https.port must differ from http.port',
  );
  const off = { ...same, https: { enabled: false, port: 9000 } };
  assert.is(parseConfig(off).https.port, 9000);
  const bothFree = { http: { port: 0 }, https: { port: 0 } };
  assert.is(parseConfig(bothFree).https.port, 0);
});

Parse('empty password becomes null', () => {
  const config = parseConfig({
    plug: { password: '' },
    ap: { password: '' },
    station: { ssid: null, password: '' },
    apiToken: '',
  });

  assert.is(config.plug.password, null);
  assert.is(config.ap.password, null);
  assert.is(config.station.password, null);
  assert.is(config.apiToken, null);
});

Parse('empty value for a required field is rejected', () => {
  const message = errorOf(() =>
    parseConfig({ sdRoot: '', pollIntervalMs: null }),
  );

  assert.match(message, 'sdRoot must not be empty');
  assert.match(message, 'pollIntervalMs must not be empty');
});

Parse('pollIntervalMs below 500 is rejected', () => {
  const message = errorOf(() => parseConfig({ pollIntervalMs: 499 }));

  assert.match(
    message,
    'pollIntervalMs must be an integer from 500 to 3600000',
  );
  assert.is(parseConfig({ pollIntervalMs: 500 }).pollIntervalMs, 500);
});

Parse('range checks', () => {
  const cases: [unknown, string][] = [
    [
      { requestTimeoutMs: 99 },
      'requestTimeoutMs must be an integer from 100 to 60000',
    ],
    [{ http: { port: 65536 } }, 'http.port must be an integer 0..65535'],
    [{ http: { port: -1 } }, 'http.port must be an integer 0..65535'],
    [{ https: { port: 70000 } }, 'https.port must be an integer 0..65535'],
    [{ logLevel: 'verbose' }, 'logLevel must be debug, info, warn or error'],
    [{ plug: { address: 'http://x/rpc' } }, 'plug.address must be an IP'],
    [{ plug: { address: 'a b' } }, 'plug.address must be an IP'],
  ];
  for (const [raw, expected] of cases) {
    assert.match(
      errorOf(() => parseConfig(raw)),
      expected,
    );
  }
});

Parse('fractional port is rejected', () => {
  // Node's server.listen throws a RangeError for a port that is not an integer.
  const message = errorOf(() => parseConfig({ http: { port: 80.5 } }));

  assert.match(message, 'http.port');
});

Parse('accepted plug addresses', () => {
  const addresses = [
    '192.168.1.50',
    'shelly-plug.local',
    'http://192.168.1.50',
    'https://plug.example:8443/',
    '192.168.1.50:8080',
    '[fe80::1]:80',
  ];
  for (const address of addresses) {
    assert.is(parseConfig({ plug: { address } }).plug.address, address);
  }
});

Parse('several problems reported together', () => {
  const message = errorOf(() =>
    parseConfig({
      colour: 'red',
      pollIntervalMs: 100,
      http: { port: 'eighty' },
    }),
  );

  assert.match(message, /^invalid configuration: /);
  assert.match(message, 'colour is not a known setting');
  assert.match(
    message,
    'pollIntervalMs must be an integer from 500 to 3600000',
  );
  assert.match(message, 'http.port must be a number, got "eighty"');
  assert.is(message.split('; ').length, 3);
});

Parse('non-object input is rejected', () => {
  for (const raw of [null, [], 'text', 5]) {
    assert.match(
      errorOf(() => parseConfig(raw)),
      'must be a JSON object',
    );
  }
});

const BaseUrl = suite('plugBaseUrl');

BaseUrl('variants', () => {
  const cases: [string, string][] = [
    ['192.168.1.50', 'http://192.168.1.50'],
    ['192.168.1.50/', 'http://192.168.1.50'],
    ['192.168.1.50:8080', 'http://192.168.1.50:8080'],
    ['http://plug.local', 'http://plug.local'],
    ['http://plug.local/', 'http://plug.local'],
    ['https://plug.local:8443/', 'https://plug.local:8443'],
    ['[fe80::1]:80', 'http://[fe80::1]:80'],
  ];
  for (const [address, expected] of cases) {
    assert.is(plugBaseUrl(address), expected, address);
  }
});

Parse('NaN and huge intervals are rejected', () => {
  assert.throws(
    () => parseConfig({ pollIntervalMs: Number('abc') }),
    (err: Error) => err.message.includes('pollIntervalMs must be an integer'),
  );
  assert.throws(
    () => parseConfig({ pollIntervalMs: 3000000000 }),
    (err: Error) => err.message.includes('got 3000000000'),
  );
  assert.throws(
    () => parseConfig({ requestTimeoutMs: 1e9 }),
    (err: Error) => err.message.includes('requestTimeoutMs'),
  );
});

Parse.run();
BaseUrl.run();
