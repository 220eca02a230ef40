import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  createLogger,
  formatRecord,
  redact,
  type LogRecord,
} from '../firmware/lib/logger';

function capture(minLevel?: 'debug' | 'info' | 'warn' | 'error') {
  const records: LogRecord[] = [];
  const log = createLogger((r) => records.push(r), minLevel);
  return { log, records };
}

const Logger = suite('logger');

Logger('default level drops debug', () => {
  const { log, records } = capture();

  log.debug('hidden');
  log.info('shown');

  assert.equal(
    records.map((r) => r.msg),
    ['shown'],
  );
});

Logger('levels filter below the minimum', () => {
  const { log, records } = capture('warn');

  log.debug('d');
  log.info('i');
  log.warn('w');
  log.error('e');

  assert.equal(
    records.map((r) => [r.level, r.msg]),
    [
      ['warn', 'w'],
      ['error', 'e'],
    ],
  );
});

Logger('debug level keeps everything', () => {
  const { log, records } = capture('debug');

  log.debug('d');
  log.info('i');
  log.warn('w');
  log.error('e');

  assert.equal(
    records.map((r) => r.level),
    ['debug', 'info', 'warn', 'error'],
  );
});

Logger('child namespaces nest', () => {
  const { log, records } = capture();

  log.info('root');
  log.child('shelly').info('one');
  log.child('shelly').child('poll').info('two');

  assert.equal(
    records.map((r) => r.ns),
    ['app', 'app:shelly', 'app:shelly:poll'],
  );
});

Logger('child keeps the minimum level', () => {
  const { log, records } = capture('error');

  log.child('x').warn('dropped');
  log.child('x').error('kept');

  assert.equal(
    records.map((r) => r.msg),
    ['kept'],
  );
});

Logger('record without fields has none', () => {
  const { log, records } = capture();

  log.info('plain');

  assert.is(records.length, 1);
  assert.is(records[0].level, 'info');
  assert.is(records[0].ns, 'app');
  assert.is(records[0].msg, 'plain');
  assert.is(records[0].fields, undefined);
});

Logger('secrets are redacted before the sink', () => {
  const { log, records } = capture();

  log.info('login', { password: 'hunter2', user: 'admin' });

  assert.equal(records[0].fields, { password: '[redacted]', user: 'admin' });
});

const Redact = suite('redact');

Redact('secret keys are replaced', () => {
  const secretKeys = [
    'password',
    'plugPassword',
    'token',
    'apiToken',
    'authorization',
    'Authorization',
    'secret',
    'cookie',
    'apiKey',
  ];
  for (const key of secretKeys) {
    const out = redact({ [key]: 'value-123' });
    assert.is(out[key], '[redacted]', key);
  }
});

Redact('normal keys are kept', () => {
  const fields = {
    user: 'admin',
    url: 'http://192.168.1.50/rpc',
    status: 401,
    on: true,
    ips: ['10.0.0.2'],
    source: 'plug',
  };

  assert.equal(redact(fields), fields);
});

Redact('empty secrets stay visible', () => {
  const out = redact({ password: '', token: null, apiKey: undefined });

  assert.is(out.password, '');
  assert.is(out.token, null);
  assert.is(out.apiKey, undefined);
});

Redact('errors become their message', () => {
  const out = redact({ error: new Error('timed out') });

  assert.is(out.error, 'timed out');
});

Redact('input is not modified', () => {
  const fields = { password: 'hunter2' };

  redact(fields);

  assert.is(fields.password, 'hunter2');
});

const Format = suite('formatRecord');

Format('line without fields', () => {
  const line = formatRecord({ level: 'warn', ns: 'app:led', msg: 'hello' });

  assert.is(line, 'WARN app:led hello');
});

Format('fields as JSON values', () => {
  const line = formatRecord({
    level: 'info',
    ns: 'app',
    msg: 'plug online',
    fields: { failures: 0, ip: '10.0.0.2', ok: true, ips: ['a', 'b'] },
  });

  assert.is(
    line,
    'INFO app plug online failures=0 ip="10.0.0.2" ok=true ips=["a","b"]',
  );
});

Format('undefined fields are left out', () => {
  const line = formatRecord({
    level: 'error',
    ns: 'app',
    msg: 'failed',
    fields: { code: undefined, error: null },
  });

  assert.is(line, 'ERROR app failed error=null');
});

Format('logged line shows redacted secret', () => {
  const { log, records } = capture();

  log.info('login', { password: 'hunter2' });

  assert.is(formatRecord(records[0]), 'INFO app login password="[redacted]"');
});

Logger.run();
Redact.run();
Format.run();
