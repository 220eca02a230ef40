/**
 * Headless Chromium for browser tests: Debian's /usr/bin/chromium driven by
 * playwright-core, each launch with a fresh profile folder. The logger's
 * certificate is trusted with `--ignore-certificate-errors-spki-list`,
 * because Playwright's `ignoreHTTPSErrors` stops service workers from
 * registering (Chromium reports an SSL error for the script).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

const BASE_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];

export interface BrowserSession {
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Launches Chromium with a persistent profile in a new temp folder, not
 * incognito, so installability checks report on the manifest. `spki` is
 * the trusted key hash, or null to launch without trusting the logger.
 */
export async function launchBrowser(
  spki: string | null,
  viewport = { width: 1280, height: 900 },
): Promise<BrowserSession> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'chromium-profile-'));
  const args = BASE_ARGS.slice();
  if (spki) args.push('--ignore-certificate-errors-spki-list=' + spki);
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args,
    viewport,
  });
  return {
    context,
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}
