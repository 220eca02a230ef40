import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  CHROMIUM_PATH,
  launchBrowser,
  type BrowserSession,
} from './support/browser-chromium';
import {
  httpsGet,
  startHttpsLogger,
  type HttpsLogger,
} from './support/browser-logger';
import { waitFor } from './support/logger-process';

const POLL_MS = 1000;
const TOKEN = 'browser-test-token';
const ROOT = path.resolve(import.meta.dirname, '..');
const RESULTS = path.join(ROOT, 'test-results');
/** Upper bound for the app's files on a first visit, uncompressed. */
const TRANSFER_BUDGET_BYTES = 200 * 1024;

const hasChromium = fs.existsSync(CHROMIUM_PATH);
let rig: HttpsLogger;
let caPem: string;

const Https = suite('https server');

Https.before(async () => {
  rig = await startHttpsLogger(POLL_MS, TOKEN);
  caPem = fs.readFileSync(path.join(rig.certDir, 'ca.crt'), 'utf8');
});

Https('plain HTTP redirects to the HTTPS port', async () => {
  const plain = new URL(rig.certificateUrl).origin;
  const res = await fetch(plain + '/api/status?x=1', { redirect: 'manual' });

  assert.is(res.status, 308);
  assert.is(res.headers.get('location'), rig.appUrl + '/api/status?x=1');
  assert.is(res.headers.get('cache-control'), 'no-store');
});

Https('certificate page shows the CA fingerprint', async () => {
  const res = await fetch(rig.certificateUrl);
  const html = await res.text();
  const fingerprint = new X509Certificate(caPem).fingerprint256;

  assert.is(res.status, 200);
  assert.match(html, fingerprint);
  assert.match(html, 'Certificate Trust Settings');
  assert.match(html, 'href="' + rig.appUrl + '/"');
});

Https('CA downloads have their content types', async () => {
  const plain = new URL(rig.certificateUrl).origin;
  const cases: [string, string, string][] = [
    ['/ca.crt', 'application/x-x509-ca-cert', 'ca.crt'],
    ['/ca.cer', 'application/x-x509-ca-cert', 'ca.cer'],
    [
      '/energy-logger-ca.mobileconfig',
      'application/x-apple-aspen-config',
      'energy-logger-ca.mobileconfig',
    ],
  ];
  for (const [route, type, file] of cases) {
    const res = await fetch(plain + route);
    const body = Buffer.from(await res.arrayBuffer());
    assert.is(res.status, 200, route);
    assert.is(res.headers.get('content-type'), type, route);
    assert.ok(body.equals(fs.readFileSync(path.join(rig.certDir, file))));
  }
});

Https('private keys are never served', async () => {
  for (const route of ['/ca.key', '/server.key', '/certs/server.key']) {
    const res = await httpsGet(rig.appUrl + route, caPem);
    assert.is(res.status, 404, route);
  }
});

/** Paths of the service worker's SHELL list. */
function shellPaths(): string[] {
  const source = fs.readFileSync(path.join(ROOT, 'pwa/service-worker.js'));
  const list = /const SHELL = \[([^\]]*)\]/.exec(source.toString('utf8'));
  assert.ok(list, 'SHELL list in service-worker.js');
  return [...list[1].matchAll(/'([^']+)'/g)].map((m) => m[1]);
}

Https('app shell is served and fits the budget', async () => {
  const shell = shellPaths();
  let raw = 0;
  let gzip = 0;
  for (const route of shell.concat('/service-worker.js')) {
    const res = await httpsGet(rig.appUrl + route, caPem);
    assert.is(res.status, 200, route);
    raw += res.body.length;
    gzip += gzipSync(res.body, { level: 9 }).length;
  }
  const kb = (n: number) => (n / 1024).toFixed(1) + ' KB';
  console.log('  app transfer: ' + kb(raw) + ' raw, ' + kb(gzip) + ' gzip');
  assert.ok(raw < TRANSFER_BUDGET_BYTES, 'raw size ' + raw);

  const appFiles = fs
    .readdirSync(path.join(ROOT, 'pwa'))
    .filter((name) => /\.(js|css)$/.test(name) && name !== 'service-worker.js')
    .map((name) => '/' + name);
  for (const file of appFiles) assert.ok(shell.includes(file), file);
});

Https.run();

const Browser = suite('browser app');
let session: BrowserSession;
let page: Page;

Browser.before(async () => {
  if (!hasChromium) return;
  fs.mkdirSync(RESULTS, { recursive: true });
  session = await launchBrowser(rig.spki, { width: 375, height: 812 });
  page = session.context.pages()[0] ?? (await session.context.newPage());
  page.on('pageerror', (err) => console.log('page error: ' + err.message));
});

Browser.after(async () => {
  if (session) await session.close();
  await rig.stop();
});

/** Registers `fn`, or reports it as skipped without Chromium. */
function browserTest(name: string, fn: () => Promise<void>): void {
  if (hasChromium) Browser(name, fn);
  else Browser.skip(name, fn);
}

if (!hasChromium) {
  console.log('browser tests skipped: ' + CHROMIUM_PATH + ' is missing');
}

async function textOf(selector: string): Promise<string> {
  return (await page.textContent(selector)) ?? '';
}

async function waitForText(selector: string, text: string, timeout = 5000) {
  await page.waitForFunction(
    ([s, t]) => document.querySelector(s)?.textContent === t,
    [selector, text] as const,
    { timeout },
  );
}

browserTest('service worker controls the page', async () => {
  await page.goto(rig.appUrl + '/');
  await page.waitForFunction(() => navigator.serviceWorker.controller, null, {
    timeout: 10000,
  });
  const scope = await page.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready;
    return registration.scope;
  });
  assert.is(scope, rig.appUrl + '/');
  await waitForText('#connection', 'live');
});

browserTest('power follows the simulator load', async () => {
  for (const watts of [1234.5, 321]) {
    rig.sim.setLoad(watts);
    const expected = watts.toFixed(1) + ' W';
    await waitForText('#power', expected, 2 * POLL_MS + 500);
    assert.is(await textOf('#power'), expected);
  }
});

browserTest('relay button asks for the token once', async () => {
  assert.is(rig.sim.state().output, true);
  await page.click('#relay-button');
  await page.waitForSelector('#token-dialog[open]');
  await page.fill('#token-input', TOKEN);
  await page.click('#token-dialog button[value="save"]');
  await waitFor('relay off', () =>
    rig.sim.state().output === false ? true : undefined,
  );
  await waitForText('#relay', 'OFF');

  await page.click('#relay-button');
  await waitFor('relay on', () =>
    rig.sim.state().output === true ? true : undefined,
  );
  await waitForText('#relay', 'ON');
  assert.is(await page.isVisible('#token-dialog'), false);
});

browserTest('logging button changes the log status', async () => {
  await page.click('#log-button');
  await waitForText('#log-status', 'off');
  assert.is(await textOf('#log-button'), 'Start logging');

  await page.click('#log-button');
  await page.waitForFunction(() =>
    ['idle', 'writing', 'ok'].includes(
      document.getElementById('log-status')?.textContent ?? '',
    ),
  );
  assert.is(await textOf('#log-button'), 'Stop logging');
});

/** Reading rows in the logger's JSON Lines files. */
function loggedReadings(): number {
  const logs = path.join(rig.dir, 'sd', 'logs');
  let count = 0;
  for (const name of fs.readdirSync(logs)) {
    if (!name.endsWith('.jsonl')) continue;
    const text = fs.readFileSync(path.join(logs, name), 'utf8');
    count += text.split('\n').filter((l) => l.includes('"reading"')).length;
  }
  return count;
}

browserTest('history chart shows logged rows', async () => {
  await page.selectOption('#history-range', '1');
  await page.waitForFunction(() =>
    /^\d+ points? from /.test(
      document.getElementById('history-count')?.textContent ?? '',
    ),
  );
  const count = await textOf('#history-count');
  const points = Number(count.split(' ')[0]);
  const drawn = await page.getAttribute('#history-chart', 'data-points');

  assert.ok(points > 0, count);
  assert.ok(points <= loggedReadings(), count);
  assert.is(drawn, String(points));
  assert.ok(await page.isVisible('#history-chart canvas'));
  assert.ok((await page.locator('#log-files a').count()) >= 2);
});

browserTest('manifest passes the installability check', async () => {
  const cdp = await session.context.newCDPSession(page);
  const { installabilityErrors } = await cdp.send(
    'Page.getInstallabilityErrors',
  );
  const manifest = await cdp.send('Page.getAppManifest');
  await cdp.detach();

  assert.equal(installabilityErrors, []);
  assert.equal(manifest.errors, []);
  assert.match(manifest.url, /\/manifest\.json$/);
});

browserTest('screenshots at phone and desktop width', async () => {
  // The logger redraws its display once a second; let the preview catch up.
  await page.waitForTimeout(1500);
  await page.evaluate(() => window.scrollTo(0, 0));
  const phone = path.join(RESULTS, 'main-375.png');
  await page.screenshot({ path: phone });
  await page.screenshot({
    path: path.join(RESULTS, 'main-375-full.png'),
    fullPage: true,
  });
  await page.setViewportSize({ width: 1280, height: 900 });
  const desktop = path.join(RESULTS, 'main-desktop.png');
  await page.screenshot({ path: desktop, fullPage: true });
  await page.setViewportSize({ width: 375, height: 812 });

  assert.ok(fs.statSync(phone).size > 10000);
  assert.ok(fs.statSync(desktop).size > 10000);
});

browserTest('offline reload shows stale values', async () => {
  await session.context.setOffline(true);
  try {
    await page.reload();
    await waitForText('#connection', 'not live');
    const controlled = await page.evaluate(
      () => navigator.serviceWorker.controller !== null,
    );

    assert.ok(controlled, 'the service worker served the page');
    assert.ok(await page.isVisible('#stale-banner'));
    assert.match(await textOf('#stale-banner'), /^Offline\. Values from /);
    assert.is(await page.getAttribute('body', 'class'), 'stale');
    assert.match(await textOf('#power'), /^\d+\.\d W$/);
    assert.match(await textOf('#log-file'), /^logs\/\d{4}-\d{2}-\d{2}\.csv$/);
  } finally {
    await session.context.setOffline(false);
  }
  await page.reload();
  await waitForText('#connection', 'live', 10000);
  assert.is(await page.isVisible('#stale-banner'), false);
});

/** Waits until `#connection` of `tab` shows `text`. */
async function waitForConnection(tab: Page, text: string, timeout: number) {
  await tab.waitForFunction(
    (t) => document.getElementById('connection')?.textContent === t,
    text,
    { timeout },
  );
}

browserTest('fifth tab retries until a slot frees', async () => {
  // The logger streams events to 4 pages at most; `page` is the first.
  const tabs: Page[] = [];
  try {
    for (let i = 0; i < 3; i++) {
      const tab = await session.context.newPage();
      tabs.push(tab);
      await tab.goto(rig.appUrl + '/');
      await waitForConnection(tab, 'live', 10000);
    }
    const fifth = await session.context.newPage();
    tabs.push(fifth);
    await fifth.goto(rig.appUrl + '/');
    await fifth.waitForFunction(
      () =>
        /^Not live: too many live pages \(max 4\), retrying in 10 s\./.test(
          document.getElementById('stale-banner')?.textContent ?? '',
        ),
      null,
      { timeout: 10000 },
    );
    assert.is(await fifth.textContent('#connection'), 'not live');

    await tabs[0].close();
    const freedAt = Date.now();
    await waitForConnection(fifth, 'live', 15000);
    console.log('  fifth tab live ' + (Date.now() - freedAt) + ' ms later');
    assert.is(await fifth.isVisible('#stale-banner'), false);
  } finally {
    for (const tab of tabs) if (!tab.isClosed()) await tab.close();
  }
});

browserTest('untrusted certificate fails to load', async () => {
  const untrusted = await launchBrowser(null);
  try {
    const other = untrusted.context.pages()[0];
    const error = await other.goto(rig.appUrl + '/').then(
      () => null,
      (err: Error) => err.message,
    );
    assert.ok(error, 'the page loaded without a trusted certificate');
    assert.match(error, 'ERR_CERT_AUTHORITY_INVALID');
  } finally {
    await untrusted.close();
  }
});

Browser.run();
