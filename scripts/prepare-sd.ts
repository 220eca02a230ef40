/**
 * Prepares a FAT32 SD card (or a folder copied to one) for the device:
 *
 *   npm run sd -- --out /media/SDCARD
 *
 * Copies the web app from `pwa/` into `<out>/html/`, with the uPlot files
 * the page loads from `/vendor/`, and creates `<out>/logs/`. The device
 * serves plain HTTP, so no certificate or key is copied. Existing logs are
 * kept; `html/` is replaced.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { MIME_TYPES } from '../firmware/lib/api-files';

const USAGE = `Usage: npm run sd -- --out FOLDER [--web FOLDER]
  --out FOLDER   root of the SD card, or a folder to copy onto it
  --web FOLDER   web app to copy (default pwa)`;

/** Longest path Espruino's FAT layer accepts, relative to the card root. */
export const MAX_PATH = 63;

/** uPlot files the page loads, by path in the web root. */
const VENDOR_FILES: Record<string, string> = {
  'vendor/uplot.iife.min.js': 'uplot/dist/uPlot.iife.min.js',
  'vendor/uplot.min.css': 'uplot/dist/uPlot.min.css',
};

export interface CopyPlan {
  /** Source file to card path, e.g. `html/app.js`. */
  files: { from: string; to: string }[];
  skipped: string[];
}

/** Returns whether the server would serve the file, so it goes to the card. */
function isServable(name: string): boolean {
  if (name.charAt(0) === '.') return false;
  if (/^secrets/i.test(name) || /\.(key|pem|p12|pfx)$/i.test(name))
    return false;
  const dot = name.lastIndexOf('.');
  return dot > 0 && MIME_TYPES[name.slice(dot + 1).toLowerCase()] !== undefined;
}

function walk(dir: string, rel: string, plan: CopyPlan): void {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const from = path.join(dir, entry.name);
    const relPath = rel ? rel + '/' + entry.name : entry.name;
    if (entry.isDirectory()) {
      if (entry.name.charAt(0) !== '.') walk(from, relPath, plan);
    } else if (isServable(entry.name)) {
      plan.files.push({ from, to: 'html/' + relPath });
    } else {
      plan.skipped.push(relPath);
    }
  }
}

/** Lists what goes to the card; throws for paths the device cannot open. */
export function planCopy(webRoot: string): CopyPlan {
  const plan: CopyPlan = { files: [], skipped: [] };
  walk(webRoot, '', plan);
  const require = createRequire(import.meta.url);
  for (const [to, from] of Object.entries(VENDOR_FILES)) {
    plan.files.push({ from: require.resolve(from), to: 'html/' + to });
  }
  const tooLong = plan.files.filter((f) => f.to.length > MAX_PATH);
  if (tooLong.length > 0) {
    const names = tooLong.map((f) => f.to).join(', ');
    throw new Error('paths over ' + MAX_PATH + ' characters: ' + names);
  }
  return plan;
}

/** Replaces `<out>/html` with the planned files and makes `<out>/logs`. */
export function writeCard(out: string, plan: CopyPlan): void {
  fs.rmSync(path.join(out, 'html'), { recursive: true, force: true });
  for (const file of plan.files) {
    const target = path.join(out, file.to);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(file.from, target);
  }
  fs.mkdirSync(path.join(out, 'logs'), { recursive: true });
}

function main(): void {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { out: { type: 'string' }, web: { type: 'string' } },
  });
  if (!values.out) {
    console.error('missing --out\n\n' + USAGE);
    process.exit(2);
  }
  const out = path.resolve(values.out);
  try {
    const plan = planCopy(path.resolve(values.web || 'pwa'));
    writeCard(out, plan);
    console.log(
      'copied ' + plan.files.length + ' files to ' + path.join(out, 'html'),
    );
    for (const name of plan.skipped) console.log('skipped ' + name);
    console.log('logs folder: ' + path.join(out, 'logs'));
  } catch (err) {
    console.error('preparing the SD card failed: ' + (err as Error).message);
    process.exit(1);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename) {
  main();
}
