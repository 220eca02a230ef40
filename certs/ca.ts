// Private root CA and server certificate for the logger's HTTPS server.
// Chrome registers a service worker only over HTTPS without certificate
// errors, so the user trusts this CA once on each device and the CA signs
// the server certificate. The library writes files only inside the
// requested folder.
import { X509Certificate as NodeCertificate } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import * as path from 'node:path';
import { ensureMode, KEY_MODE, writeCaCompanions } from './files';
import { requestedAltNames } from './names';
import { loadOrCreateCa, type LoadedCa } from './root-ca';
import {
  issueServerCertificate,
  serverIssueReason,
  type ServerCheck,
} from './server';

export { spkiSha256Base64 } from './issue';
export { DEFAULT_DNS_NAMES, DEFAULT_IPS } from './names';
export type { LoadedCa } from './root-ca';

/** Default output folder, `certs/out/` next to this file (git-ignored). */
export const DEFAULT_CERT_DIR = fileURLToPath(
  new URL('./out/', import.meta.url),
);

/** Options of {@link ensureCertificates} and {@link renewServerCertificate}. */
export interface CertificateOptions {
  /** Output folder; created when missing. Default {@link DEFAULT_CERT_DIR}. */
  dir?: string;
  /** DNS names added to `localhost` in the server certificate. */
  names?: string[];
  /** IP addresses added to 192.168.4.1, 127.0.0.1 and ::1. */
  ips?: string[];
  /** Current time, for tests. Default `new Date()`. */
  now?: Date;
  /** Receives one line per action taken. Default: no output. */
  log?: (message: string) => void;
}

/** Absolute paths of the generated files. */
export interface CertificatePaths {
  dir: string;
  /** Root CA certificate, PEM. */
  caCert: string;
  /** Root CA certificate, DER, for Android and Windows. */
  caCertDer: string;
  /** Root CA private key, PKCS#8 PEM, mode 0600. Keep it on this host and never serve it. */
  caKey: string;
  /** Server certificate, PEM. */
  serverCert: string;
  /** Server private key, PKCS#8 PEM, mode 0600. */
  serverKey: string;
  /** iOS configuration profile that installs the root CA. */
  mobileconfig: string;
}

/** Paths plus what a call created or kept. */
export interface CertificateResult extends CertificatePaths {
  /** True when any file was written. */
  created: boolean;
  caCreated: boolean;
  serverCertificateIssued: boolean;
  serverKeyCreated: boolean;
  /** Reason a server certificate was issued, or null when the existing one was kept. */
  serverIssueReason: string | null;
  caCommonName: string;
  /** SHA-256 fingerprint of the root CA certificate, colon-separated hex. */
  caFingerprint256: string;
}

/** Returns the file paths inside `dir`. */
export function certificatePaths(
  dir: string = DEFAULT_CERT_DIR,
): CertificatePaths {
  const absolute = path.resolve(dir);
  return {
    dir: absolute,
    caCert: path.join(absolute, 'ca.crt'),
    caCertDer: path.join(absolute, 'ca.cer'),
    caKey: path.join(absolute, 'ca.key'),
    serverCert: path.join(absolute, 'server.crt'),
    serverKey: path.join(absolute, 'server.key'),
    mobileconfig: path.join(absolute, 'energy-logger-ca.mobileconfig'),
  };
}

/**
 * Creates whatever is missing: the root CA once per folder, then a server
 * certificate when it is missing, unreadable, not signed by this CA, expires
 * within 30 days or lacks a requested name. A new server certificate keeps
 * the existing server key and every name of the previous certificate.
 * Throws when only one of ca.crt and ca.key exists, when they do not match,
 * or when the CA has expired, because a new CA must be trusted again on
 * every device and so is never created silently.
 */
export async function ensureCertificates(
  options: CertificateOptions = {},
): Promise<CertificateResult> {
  return run(options, false);
}

/**
 * Issues a new server certificate with the same CA and server key. It
 * covers the defaults plus `names` and `ips` of this call only, so this is
 * also how a name is removed. Creates the CA if the folder has none.
 */
export async function renewServerCertificate(
  options: CertificateOptions = {},
): Promise<CertificateResult> {
  return run(options, true);
}

async function run(
  options: CertificateOptions,
  renew: boolean,
): Promise<CertificateResult> {
  const paths = certificatePaths(options.dir);
  const now = options.now ?? new Date();
  const log = options.log ?? (() => {});
  const requested = requestedAltNames(options.names, options.ips);

  const ca = await loadOrCreateCa(paths, now, log);
  const companionsWritten = await writeCaCompanions(paths, ca.cert, log);
  const check: ServerCheck = renew
    ? { reason: 'renewal requested', altNames: requested }
    : await serverIssueReason(paths, ca, requested, now);
  const serverKeyCreated = await applyServerCheck(paths, ca, check, now, log);

  const nodeCert = new NodeCertificate(ca.cert.toString('pem'));
  return {
    ...paths,
    created: ca.created || companionsWritten || check.reason !== null,
    caCreated: ca.created,
    serverCertificateIssued: check.reason !== null,
    serverKeyCreated,
    serverIssueReason: check.reason,
    caCommonName: ca.cert.subjectName.getField('CN')[0] ?? '',
    caFingerprint256: nodeCert.fingerprint256,
  };
}

/** Issues a server certificate when the check has a reason. Returns true when a server key was created. */
async function applyServerCheck(
  paths: CertificatePaths,
  ca: LoadedCa,
  check: ServerCheck,
  now: Date,
  log: (message: string) => void,
): Promise<boolean> {
  if (check.reason === null) {
    await ensureMode(paths.serverKey, KEY_MODE, log);
    log(`Kept ${paths.serverCert}: valid and covers every requested name.`);
    return false;
  }
  log(`Issuing server certificate: ${check.reason}.`);
  const altNames = check.altNames;
  const issued = await issueServerCertificate(paths, ca, altNames, now, log);
  log(`Wrote ${paths.serverCert} for ${issued.summary}.`);
  return issued.keyCreated;
}
