/**
 * The parts of the host runtime's web serving that need Node.js: the CA
 * and server certificate for HTTPS, the plain-HTTP server that redirects
 * to HTTPS, and the uPlot files served from `node_modules`.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { networkInterfaces } from 'node:os';
import path from 'node:path';
import { ensureCertificates } from '../certs/ca';
import type { Config, HttpsSettings } from './config';
import type { HttpServerDriver, RequestHandler } from './drivers/http-server';
import { createNodeHttpServer } from './drivers/node/http-server';
import { nodeTimers } from './drivers/node/platform';
import { createStaticReader } from './drivers/node/static-files';
import { createApiHandler, type ApiOptions } from './lib/api';
import {
  CERTIFICATE_PAGE_PATH,
  createHttpsRedirectHandler,
  withCertificateRoutes,
  type CaDownloads,
} from './lib/cert-page';
import type { Logger } from './lib/logger';
import { stampServiceWorker } from './lib/sw-version';

export interface HttpsMaterial {
  /** PEM key and certificate for `node:https`. */
  tls: { key: string; cert: string };
  ca: CaDownloads;
}

/**
 * Web paths of the uPlot files and where they are in the `uplot` package.
 * The device build copies the same files into its web root under `vendor/`.
 */
const VENDOR_FILES = new Map([
  ['vendor/uplot.iife.min.js', 'uplot/dist/uPlot.iife.min.js'],
  ['vendor/uplot.min.css', 'uplot/dist/uPlot.min.css'],
]);

/**
 * Non-internal addresses of this machine, so that a phone on the LAN can
 * use the certificate. IPv6 link-local addresses are left out, because a
 * browser URL for them needs a zone id and a certificate cannot hold one.
 */
export function machineAddresses(): string[] {
  const found: string[] = [];
  const interfaces = networkInterfaces();
  for (const name of Object.keys(interfaces)) {
    for (const info of interfaces[name] ?? []) {
      if (info.internal) continue;
      if (info.family === 'IPv6' && /^fe80:/i.test(info.address)) continue;
      found.push(info.address);
    }
  }
  return found;
}

/**
 * Creates or keeps the CA and the server certificate in `certDir` (see
 * `certs/ca.ts`) and reads the files the servers need. The server
 * certificate covers `names`, `ips` and this machine's addresses.
 */
export async function prepareHttps(
  settings: HttpsSettings,
  log: Logger,
): Promise<HttpsMaterial> {
  const result = await ensureCertificates({
    dir: path.resolve(settings.certDir),
    names: settings.names,
    ips: settings.ips.concat(machineAddresses()),
    log: (message) => log.info(message),
  });
  const read = (file: string) => fs.readFileSync(file);
  log.info('certificates ready', {
    dir: result.dir,
    ca: result.caCommonName,
    caFingerprint256: result.caFingerprint256,
    issued: result.serverIssueReason,
  });
  return {
    tls: {
      key: read(result.serverKey).toString('utf8'),
      cert: read(result.serverCert).toString('utf8'),
    },
    ca: {
      pem: read(result.caCert),
      der: read(result.caCertDer),
      mobileconfig: read(result.mobileconfig),
      fingerprint256: result.caFingerprint256,
      commonName: result.caCommonName,
    },
  };
}

export interface WebServer {
  /** The app's server: HTTPS on `https.port`, or HTTP on `http.port`. */
  driver: HttpServerDriver;
  handler: RequestHandler;
  /** Null when `https.enabled` is false. */
  tls: HttpsMaterial | null;
}

/**
 * Builds the app's server driver and request handler: the API, the web
 * root with the uPlot files, and with HTTPS on, the certificate routes.
 */
export async function createWebServer(
  config: Config,
  log: Logger,
  webRoot: string,
  api: Omit<ApiOptions, 'log' | 'readStatic' | 'apiToken'>,
): Promise<WebServer> {
  const tls = config.https.enabled
    ? await prepareHttps(config.https, log.child('certs'))
    : null;
  const apiHandler = createApiHandler({
    ...api,
    log: log.child('api'),
    readStatic: withWorkerVersion(
      withVendorFiles(createStaticReader(webRoot)),
      appVersion(webRoot),
    ),
    apiToken: config.apiToken,
    allowedHosts: config.https.names,
    timers: nodeTimers,
  });
  const driver = createNodeHttpServer({
    host: config.http.host,
    port: tls ? config.https.port : config.http.port,
    log: log.child('http'),
    https: tls ? tls.tls : undefined,
  });
  const handler = tls ? withCertificateRoutes(apiHandler, tls.ca) : apiHandler;
  return { driver, handler, tls };
}

export interface RedirectServer {
  /** Certificate page URLs, one per address the server listens on. */
  certificateUrls: string[];
  close(): Promise<void>;
}

/** Returns the port of a URL, e.g. 8443 for `https://127.0.0.1:8443/`. */
function portOfUrl(url: string): number {
  const parsed = new URL(url);
  if (parsed.port !== '') return Number(parsed.port);
  return parsed.protocol === 'https:' ? 443 : 80;
}

/**
 * With HTTPS on, starts the plain-HTTP server on `http.port` that serves
 * the certificate page and redirects every other request to the port of
 * `appUrls`. Returns null with HTTPS off, and also when listening fails,
 * e.g. the port is in use: that is logged, because the app works without
 * it.
 */
export async function startRedirectServer(
  config: Config,
  web: WebServer,
  appUrls: string[],
  log: Logger,
): Promise<RedirectServer | null> {
  if (!web.tls) return null;
  const host = config.http.host;
  const port = config.http.port;
  const driver = createNodeHttpServer({ host, port, log: log.child('http') });
  const httpsPort = portOfUrl(appUrls[0]);
  const handler = createHttpsRedirectHandler(web.tls.ca, httpsPort);
  try {
    const urls = await driver.listen(handler);
    const certificateUrls = urls.map((url) =>
      url.replace(/\/$/, CERTIFICATE_PAGE_PATH),
    );
    log.info('HTTP redirect server listening', { urls: certificateUrls });
    return { certificateUrls, close: () => driver.close() };
  } catch (err) {
    log.error('HTTP redirect server failed to listen; no certificate page', {
      host,
      port,
      error: err,
    });
    return null;
  }
}

/** Hash of every file of the web app and the vendor files, 12 hex digits. */
export function appVersion(webRoot: string): string {
  const hash = createHash('sha256');
  const require = createRequire(import.meta.url);
  const files = fs
    .readdirSync(webRoot, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
  for (const module of VENDOR_FILES.values())
    files.push(require.resolve(module));
  for (const file of files) {
    hash.update(path.relative(webRoot, file));
    hash.update(fs.readFileSync(file));
  }
  return hash.digest('hex').slice(0, 12);
}

/** Serves `service-worker.js` with its VERSION set to `version`. */
export function withWorkerVersion(
  read: (rel: string) => Uint8Array | null,
  version: string,
): (rel: string) => Uint8Array | null {
  return (rel) => {
    const bytes = read(rel);
    if (rel !== 'service-worker.js' || bytes === null) return bytes;
    const source = Buffer.from(bytes).toString('utf8');
    return Buffer.from(stampServiceWorker(source, version), 'utf8');
  };
}

/**
 * Wraps the web root reader so that `vendor/` paths return the uPlot files
 * from `node_modules`, and every other path reads the web root.
 */
export function withVendorFiles(
  read: (rel: string) => Uint8Array | null,
): (rel: string) => Uint8Array | null {
  const require = createRequire(import.meta.url);
  return (rel) => {
    const module = VENDOR_FILES.get(rel);
    if (!module) return read(rel);
    return fs.readFileSync(require.resolve(module));
  };
}
