/**
 * The service worker's cache version, filled in when the worker is served
 * (host) or copied to the SD card (device): a hash of the app's files, so
 * that any change to them installs a new shell cache in every browser.
 */

const VERSION_LINE = /const VERSION = '[^']*';/;

/** Put `version` into the `const VERSION = '...';` line of the worker. */
export function stampServiceWorker(source: string, version: string): string {
  if (!VERSION_LINE.test(source)) {
    throw new Error("service-worker.js has no line `const VERSION = '...';`");
  }
  return source.replace(VERSION_LINE, "const VERSION = '" + version + "';");
}
