// Loading and creation of the root CA in the certificate folder.
import {
  createPrivateKey,
  X509Certificate as NodeCertificate,
} from 'node:crypto';
import type { CertificatePaths } from './ca';
import {
  CERT_MODE,
  ensureMode,
  KEY_MODE,
  readTextIfExists,
  writeFileAtomic,
} from './files';
import {
  createCaCertificate,
  exportPrivateKeyPem,
  generateKeyPair,
  importPrivateKeyPem,
  randomId,
  SERVER_VALIDITY_DAYS,
} from './issue';
import { x509 } from './x509';

const DAY_MS = 24 * 60 * 60 * 1000;

/** A loaded or new root CA. */
export interface LoadedCa {
  cert: x509.X509Certificate;
  key: CryptoKey;
  created: boolean;
}

/** Loads ca.crt and ca.key, or creates both when neither exists. */
export async function loadOrCreateCa(
  paths: CertificatePaths,
  now: Date,
  log: (message: string) => void,
): Promise<LoadedCa> {
  const certPem = await readTextIfExists(paths.caCert);
  const keyPem = await readTextIfExists(paths.caKey);
  if (certPem === null && keyPem === null) return createCa(paths, now, log);
  if (certPem === null || keyPem === null) {
    const [present, missing] =
      certPem === null
        ? [paths.caKey, paths.caCert]
        : [paths.caCert, paths.caKey];
    throw new Error(
      `Root CA incomplete: ${missing} is missing but ${present} exists. ` +
        'Restore the missing file, or delete both to create a new CA ' +
        'that every device must trust again.',
    );
  }
  checkCaUsable(paths, new NodeCertificate(certPem), keyPem, now, log);
  await ensureMode(paths.caKey, KEY_MODE, log);
  const cert = new x509.X509Certificate(certPem);
  log(`Kept root CA ${paths.caCert}.`);
  return { cert, key: await importPrivateKeyPem(keyPem), created: false };
}

/** Throws when the CA key does not match or the CA has expired, and warns when it expires within a server certificate's validity. */
function checkCaUsable(
  paths: CertificatePaths,
  caCert: NodeCertificate,
  keyPem: string,
  now: Date,
  log: (message: string) => void,
): void {
  if (!caCert.checkPrivateKey(createPrivateKey(keyPem))) {
    throw new Error(
      `${paths.caKey} does not match ${paths.caCert}. Restore the ` +
        'matching pair, or delete both to create a new CA.',
    );
  }
  const notAfter = new Date(caCert.validTo);
  if (notAfter <= now) {
    throw new Error(
      `Root CA ${paths.caCert} expired on ${caCert.validTo}. Delete ` +
        'ca.crt and ca.key to create a new CA, then trust it on every device.',
    );
  }
  if (notAfter.getTime() - now.getTime() < SERVER_VALIDITY_DAYS * DAY_MS) {
    log(
      `Warning: root CA expires on ${caCert.validTo}, and server ` +
        'certificates cannot outlive it. Create a new CA before then.',
    );
  }
}

async function createCa(
  paths: CertificatePaths,
  now: Date,
  log: (message: string) => void,
): Promise<LoadedCa> {
  const keys = await generateKeyPair();
  const commonName = `Energy Logger Local CA (${randomId()})`;
  const cert = await createCaCertificate(keys, commonName, now);
  const keyPem = await exportPrivateKeyPem(keys.privateKey);
  // The CA key stays in this folder on the host. Devices get only ca.crt,
  // ca.cer or the profile, because anyone with the key can sign
  // certificates that those devices trust.
  await writeFileAtomic(paths.caKey, keyPem, KEY_MODE);
  await writeFileAtomic(paths.caCert, cert.toString('pem') + '\n', CERT_MODE);
  log(`Created root CA "${commonName}" in ${paths.caCert}.`);
  return { cert, key: keys.privateKey, created: true };
}
