// Service worker of the energy logger app.
//
// - The app shell is precached in a cache named after VERSION and served
//   cache-first. The 512 px icons are left out: browsers fetch them when
//   the app is installed, which needs the network anyway.
// - VERSION is filled in when the worker is served (host) or copied to the
//   SD card (device) with a hash of the app's files, so that any change
//   installs the new files. The new worker then deletes the old shell cache.
// - GET /api/* is network-first. A successful reply is kept in the API
//   cache, and without a network the cached copy is returned with the
//   header `X-Served-From: cache`, so the page can mark it stale. Log file
//   downloads (/api/logs/<file>) are never cached.
// - /events (SSE), every non-GET request and every cross-origin request
//   are left to the browser: an intercepted stream stalls.

const VERSION = 'unversioned';
const SHELL_CACHE = 'energy-logger-shell-v' + VERSION;
const API_CACHE = 'energy-logger-api';
/** API replies kept; the oldest go first. */
const API_CACHE_ENTRIES = 30;

const SHELL = [
  '/',
  '/style.css',
  '/app.js',
  '/api.js',
  '/display.js',
  '/font.js',
  '/format.js',
  '/history.js',
  '/live-view.js',
  '/machines.js',
  '/store.js',
  '/stream.js',
  '/sw-client.js',
  '/manifest.json',
  '/icons/icon.svg',
  '/icons/icon-192.png',
  '/icons/apple-touch-icon-180.png',
  '/vendor/uplot.iife.min.js',
  '/vendor/uplot.min.css',
];

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(SHELL_CACHE)
      .then((cache) =>
        cache.addAll(SHELL.map((url) => new Request(url, { cache: 'reload' }))),
      )
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(
          names
            .filter((name) => name !== SHELL_CACHE && name !== API_CACHE)
            .map((name) => caches.delete(name)),
        ),
      )
      .then(() => self.clients.claim()),
  );
});

async function trimApiCache(cache) {
  const keys = await cache.keys();
  for (let i = 0; i < keys.length - API_CACHE_ENTRIES; i++) {
    await cache.delete(keys[i]);
  }
}

function markedAsCached(response) {
  const headers = new Headers(response.headers);
  headers.set('X-Served-From', 'cache');
  return new Response(response.body, {
    status: response.status,
    statusText: response.statusText,
    headers,
  });
}

async function networkFirst(request) {
  const cache = await caches.open(API_CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) {
      // Re-adding moves the entry to the end, so trimming drops old ones.
      await cache.delete(request);
      await cache.put(request, response.clone());
      await trimApiCache(cache);
    }
    return response;
  } catch (err) {
    const cached = await cache.match(request);
    if (cached) return markedAsCached(cached);
    const body = JSON.stringify({
      error: 'the logger is not reachable and no saved copy exists',
    });
    return new Response(body, {
      status: 503,
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
    });
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(SHELL_CACHE);
  const cached = await cache.match(request, { ignoreSearch: true });
  return cached || fetch(request);
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname === '/events') return;
  if ((request.headers.get('Accept') || '').includes('text/event-stream')) {
    return;
  }
  if (url.pathname.startsWith('/api/logs/')) return;
  if (url.pathname.startsWith('/api/')) {
    event.respondWith(networkFirst(request));
    return;
  }
  const shellPath = url.pathname === '/index.html' ? '/' : url.pathname;
  if (SHELL.includes(shellPath)) {
    event.respondWith(cacheFirst(new Request(shellPath)));
  }
});
