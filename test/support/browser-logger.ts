/**
 * The logger as `npm start` runs it, for browser tests: a child process
 * with HTTPS on loopback, certificates in a temp folder, and the plug
 * simulator in this process so a test can change its load.
 */
import fs from 'node:fs';
import * as https from 'node:https';
import path from 'node:path';
import { spkiSha256Base64 } from '../../certs/ca';
import { startSimulator, type Simulator } from '../../sim';
import {
  startLogger,
  tempFolder,
  waitFor,
  writeSettings,
  type LoggerProcess,
} from './logger-process';

export interface HttpsLogger {
  logger: LoggerProcess;
  sim: Simulator;
  /** The app's HTTPS origin, e.g. `https://127.0.0.1:41234`. */
  appUrl: string;
  /** The plain-HTTP certificate page. */
  certificateUrl: string;
  /** Base64 SHA-256 of the server certificate's public key. */
  spki: string;
  dir: string;
  certDir: string;
  stop(): Promise<void>;
}

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** GETs `url` over HTTPS, trusting only the PEM certificate `ca`. */
export function httpsGet(url: string, ca: string | Buffer): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = https.get(url, { ca }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks),
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

/** Starts the simulator and the logger; `apiToken` guards POST requests. */
export async function startHttpsLogger(
  pollIntervalMs: number,
  apiToken: string,
): Promise<HttpsLogger> {
  const dir = tempFolder('logger-browser-');
  const certDir = path.join(dir, 'certs');
  const sim = await startSimulator({ seed: 11 });
  const settings = writeSettings(dir, {
    plug: { address: '127.0.0.1:' + sim.port },
    pollIntervalMs,
    apiToken,
    sdRoot: path.join(dir, 'sd'),
    http: { host: '127.0.0.1', port: 0 },
    https: { enabled: true, port: 0, certDir },
    logging: { enabled: true, flushMs: 200 },
  });
  const logger = await startLogger(settings, 30000);
  const certificateUrl = await waitFor('the certificate page line', () => {
    const match = /Certificate page[^:]*: (http\S+)/.exec(logger.output());
    return match ? match[1] : undefined;
  });
  const cert = fs.readFileSync(path.join(certDir, 'server.crt'), 'utf8');
  return {
    logger,
    sim,
    appUrl: logger.url,
    certificateUrl,
    spki: await spkiSha256Base64(cert),
    dir,
    certDir,
    async stop() {
      logger.child.kill('SIGTERM');
      await logger.exited;
      await sim.stop().catch(() => undefined);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
