import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { appVersion, withWorkerVersion } from '../firmware/host-web';
import { stampServiceWorker } from '../firmware/lib/sw-version';

const WORKER = fs.readFileSync('pwa/service-worker.js', 'utf8');

test('sw version stamps the worker', () => {
  const stamped = stampServiceWorker(WORKER, 'abc123');
  assert.match(stamped, /const VERSION = 'abc123';/);
  assert.not.match(stamped, /unversioned/);
});

test('sw version rejects a worker without VERSION', () => {
  assert.throws(
    () => stampServiceWorker('self.skipWaiting();', 'x'),
    /no line/,
  );
});

test('sw version follows the app files', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-version-'));
  fs.writeFileSync(path.join(root, 'index.html'), '<p>one</p>');
  fs.mkdirSync(path.join(root, 'icons'));
  fs.writeFileSync(path.join(root, 'icons', 'a.svg'), '<svg/>');
  const first = appVersion(root);
  assert.is(appVersion(root), first);
  fs.writeFileSync(path.join(root, 'icons', 'a.svg'), '<svg></svg>');
  const second = appVersion(root);
  assert.is.not(second, first);
  assert.match(second, /^[0-9a-f]{12}$/);
  fs.rmSync(root, { recursive: true, force: true });
});

test('sw version served only for the worker', () => {
  const files: Record<string, Uint8Array> = {
    'service-worker.js': Buffer.from(WORKER),
    'app.js': Buffer.from("const VERSION = 'keep';"),
  };
  const read = withWorkerVersion((rel) => files[rel] || null, 'feed01');
  assert.match(Buffer.from(read('service-worker.js')!).toString(), /'feed01'/);
  assert.match(Buffer.from(read('app.js')!).toString(), /'keep'/);
  assert.is(read('missing.js'), null);
});

test.run();
