/**
 * Renders the web app's PNG icons from the SVG sources in `pwa/icons/`
 * with headless Chromium, through playwright-core:
 *
 * | output                     | source         | size |
 * | -------------------------- | -------------- | ---- |
 * | `icon-192.png`             | `icon.svg`     | 192  |
 * | `icon-512.png`             | `icon.svg`     | 512  |
 * | `maskable-512.png`         | `maskable.svg` | 512  |
 * | `apple-touch-icon-180.png` | `maskable.svg` | 180  |
 *
 * The maskable icon and the Apple icon are full-bleed squares, because
 * Android and iOS cut their own shape out of them. Run it after changing
 * an SVG and commit the PNGs:
 *
 *   npx tsx scripts/make-icons.ts [--chromium /usr/bin/chromium]
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Page } from 'playwright-core';

const ICON_DIR = path.resolve(import.meta.dirname, '..', 'pwa', 'icons');

const OUTPUTS = [
  { file: 'icon-192.png', source: 'icon.svg', size: 192 },
  { file: 'icon-512.png', source: 'icon.svg', size: 512 },
  { file: 'maskable-512.png', source: 'maskable.svg', size: 512 },
  { file: 'apple-touch-icon-180.png', source: 'maskable.svg', size: 180 },
];

/** Renders one SVG at `size` x `size` pixels and keeps its transparency. */
async function renderSvg(
  page: Page,
  svg: string,
  size: number,
): Promise<Buffer> {
  await page.setViewportSize({ width: size, height: size });
  const src =
    'data:image/svg+xml;base64,' + Buffer.from(svg).toString('base64');
  await page.setContent(
    '<body style="margin:0"><img id="icon" width="' +
      size +
      '" height="' +
      size +
      '" src="' +
      src +
      '"></body>',
  );
  await page.waitForFunction(() => {
    const img = document.getElementById('icon') as HTMLImageElement;
    return img.complete && img.naturalWidth > 0;
  });
  return page.screenshot({
    clip: { x: 0, y: 0, width: size, height: size },
    omitBackground: true,
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { chromium: { type: 'string', default: '/usr/bin/chromium' } },
  });
  const browser = await chromium.launch({
    executablePath: values.chromium,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run'],
  });
  try {
    const page = await browser.newPage({ deviceScaleFactor: 1 });
    for (const output of OUTPUTS) {
      const svg = fs.readFileSync(path.join(ICON_DIR, output.source), 'utf8');
      const png = await renderSvg(page, svg, output.size);
      fs.writeFileSync(path.join(ICON_DIR, output.file), png);
      console.log(
        'wrote pwa/icons/' + output.file + ' (' + png.length + ' bytes)',
      );
    }
  } finally {
    await browser.close();
  }
}

main().catch((err) => {
  console.error('icon rendering failed: ' + ((err as Error).stack || err));
  process.exit(1);
});
