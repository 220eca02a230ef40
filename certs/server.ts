// Decides when the server certificate must be issued again, and issues it.
import {
  createPrivateKey,
  X509Certificate as NodeCertificate,
} from 'node:crypto';
import { x509 } from './x509';
import type { CertificatePaths } from './ca';
import type { LoadedCa } from './root-ca';
import {
  CERT_MODE,
  ensureMode,
  KEY_MODE,
  readTextIfExists,
  writeFileAtomic,
} from './files';
import {
  createServerCertificate,
  exportPrivateKeyPem,
  generateKeyPair,
  publicKeyDerFromPrivatePem,
  readSubjectAltNames,
  SERVER_VALIDITY_DAYS,
  type SubjectAltNames,
} from './issue';
import { mergeAltNames, normalizeIp } from './names';

const DAY_MS = 24 * 60 * 60 * 1000;
/** A server certificate that expires within this many days is replaced. */
export const RENEW_BEFORE_DAYS = 30;

/** Result of {@link serverIssueReason}. */
export interface ServerCheck {
  /** Reason a new server certificate is needed, or null to keep the current one. */
  reason: string | null;
  /** Names for a new certificate: the requested ones plus those already in a certificate of this CA. */
  altNames: SubjectAltNames;
}

function keyMatches(cert: NodeCertificate, keyPem: string): boolean {
  try {
    return cert.checkPrivateKey(createPrivateKey(keyPem));
  } catch {
    return false;
  }
}

function missingNames(
  cert: NodeCertificate,
  requested: SubjectAltNames,
): string[] {
  const present = readSubjectAltNames(new x509.X509Certificate(cert.raw));
  const missingDns = requested.dnsNames.filter(
    (name) => !present.dnsNames.includes(name),
  );
  const missingIps = requested.ips.filter(
    (ip) => cert.checkIP(ip) === undefined,
  );
  return [...missingIps, ...missingDns];
}

function validityProblem(cert: NodeCertificate, now: Date): string | null {
  const notBefore = new Date(cert.validFrom);
  const notAfter = new Date(cert.validTo);
  if (notBefore > now)
    return `server certificate not valid before ${cert.validFrom}`;
  if (notAfter.getTime() - now.getTime() < RENEW_BEFORE_DAYS * DAY_MS) {
    return `server certificate expires on ${cert.validTo}`;
  }
  if (
    notAfter.getTime() - notBefore.getTime() >
    SERVER_VALIDITY_DAYS * DAY_MS
  ) {
    return `server certificate valid for more than ${SERVER_VALIDITY_DAYS} days`;
  }
  return null;
}

/** Checks the server certificate and key in `paths` against the CA, the requested names and the time. */
export async function serverIssueReason(
  paths: CertificatePaths,
  ca: LoadedCa,
  requested: SubjectAltNames,
  now: Date,
): Promise<ServerCheck> {
  const certPem = await readTextIfExists(paths.serverCert);
  const keyPem = await readTextIfExists(paths.serverKey);
  if (certPem === null)
    return { reason: 'server certificate missing', altNames: requested };
  if (keyPem === null)
    return { reason: 'server key missing', altNames: requested };

  let cert: NodeCertificate;
  try {
    cert = new NodeCertificate(certPem);
  } catch (error) {
    const reason = `server certificate unreadable (${(error as Error).message})`;
    return { reason, altNames: requested };
  }
  const caCert = new NodeCertificate(ca.cert.toString('pem'));
  if (!cert.checkIssued(caCert) || !cert.verify(caCert.publicKey)) {
    return {
      reason: 'server certificate not signed by this CA',
      altNames: requested,
    };
  }

  const previous = readSubjectAltNames(new x509.X509Certificate(cert.raw));
  previous.ips = previous.ips.map(normalizeIp);
  const altNames = mergeAltNames(requested, previous);
  if (!keyMatches(cert, keyPem)) {
    return {
      reason: 'server key does not match the server certificate',
      altNames,
    };
  }
  const problem = validityProblem(cert, now);
  if (problem !== null) return { reason: problem, altNames };
  const missing = missingNames(cert, requested);
  if (missing.length > 0) {
    return { reason: `SubjectAltName lacks ${missing.join(', ')}`, altNames };
  }
  return { reason: null, altNames };
}

function isP256Key(pem: string): boolean {
  try {
    const key = createPrivateKey(pem);
    return (
      key.asymmetricKeyType === 'ec' &&
      key.asymmetricKeyDetails?.namedCurve === 'prime256v1'
    );
  } catch {
    return false;
  }
}

/** Returns the existing server key when it is a valid P-256 key, else a new one. */
async function loadOrCreateServerKey(
  file: string,
): Promise<{ keyPem: string; created: boolean }> {
  const existing = await readTextIfExists(file);
  if (existing !== null && isP256Key(existing)) {
    return { keyPem: existing, created: false };
  }
  const keys = await generateKeyPair();
  return { keyPem: await exportPrivateKeyPem(keys.privateKey), created: true };
}

/**
 * Issues a server certificate for `altNames` signed by the CA and writes
 * it. Keeps the existing server key, so the SubjectPublicKeyInfo hash that
 * key pins and Chromium's --ignore-certificate-errors-spki-list use stays
 * the same, and creates a key only when it is missing or not ECDSA P-256.
 */
export async function issueServerCertificate(
  paths: CertificatePaths,
  ca: LoadedCa,
  altNames: SubjectAltNames,
  now: Date,
  log: (message: string) => void,
): Promise<{ keyCreated: boolean; summary: string }> {
  const { keyPem, created } = await loadOrCreateServerKey(paths.serverKey);
  const cert = await createServerCertificate({
    caCert: ca.cert,
    caKey: ca.key,
    publicKey: publicKeyDerFromPrivatePem(keyPem),
    altNames,
    now,
  });
  // The key goes first. If writing the certificate fails, the next run
  // detects a key mismatch and issues the certificate again.
  if (created) {
    await writeFileAtomic(paths.serverKey, keyPem, KEY_MODE);
    log(`Created server key ${paths.serverKey}.`);
  } else {
    await ensureMode(paths.serverKey, KEY_MODE, log);
  }
  await writeFileAtomic(
    paths.serverCert,
    cert.toString('pem') + '\n',
    CERT_MODE,
  );
  const names = [...altNames.ips, ...altNames.dnsNames].join(', ');
  return {
    keyCreated: created,
    summary: `${names} (valid until ${cert.notAfter.toISOString()})`,
  };
}
