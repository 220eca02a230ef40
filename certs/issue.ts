// Key generation and certificate signing with @peculiar/x509 on Node's
// WebCrypto. Nothing here touches the file system.
import { createPublicKey } from 'node:crypto';
import { crypto, x509 } from './x509';

const EC_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNING_ALGORITHM = { name: 'ECDSA', hash: 'SHA-256' } as const;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Time subtracted from notBefore so that clients whose clock is behind accept a new certificate. */
export const CLOCK_SKEW_MS = 60 * 60 * 1000;
export const CA_VALIDITY_DAYS = 3650;
/**
 * Validity of a server certificate. Apple platforms reject TLS server
 * certificates valid for more than 398 days under public roots and 825 days
 * under private roots, so 397 days is accepted by both rules.
 */
export const SERVER_VALIDITY_DAYS = 397;

/** Subject Alternative Names of a server certificate. */
export interface SubjectAltNames {
  dnsNames: string[];
  ips: string[];
}

/** Generates an extractable ECDSA P-256 key pair. */
export async function generateKeyPair(): Promise<CryptoKeyPair> {
  return crypto.subtle.generateKey(EC_ALGORITHM, true, ['sign', 'verify']);
}

/** Exports a private key as PKCS#8 PEM. */
export async function exportPrivateKeyPem(key: CryptoKey): Promise<string> {
  const der = await crypto.subtle.exportKey('pkcs8', key);
  return x509.PemConverter.encode(der, 'PRIVATE KEY') + '\n';
}

/** Imports a PKCS#8 PEM ECDSA P-256 private key for signing. */
export async function importPrivateKeyPem(pem: string): Promise<CryptoKey> {
  const der = x509.PemConverter.decodeFirst(pem);
  return crypto.subtle.importKey('pkcs8', der, EC_ALGORITHM, true, ['sign']);
}

/** Returns the SubjectPublicKeyInfo DER of a PEM private key. */
export function publicKeyDerFromPrivatePem(pem: string): ArrayBuffer {
  const spki = createPublicKey(pem).export({ type: 'spki', format: 'der' });
  return new Uint8Array(spki).buffer;
}

/** Returns a random positive 128-bit serial number as hex without a leading zero byte. */
export function randomSerialNumber(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0] & 0x7f) | 0x01;
  return Buffer.from(bytes).toString('hex');
}

/** Returns a short random hex id, used to tell CAs of different installations apart. */
export function randomId(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(4))).toString('hex');
}

function validity(
  now: Date,
  days: number,
): { notBefore: Date; notAfter: Date } {
  const startMs = Math.floor(now.getTime() / 1000) * 1000 - CLOCK_SKEW_MS;
  return {
    notBefore: new Date(startMs),
    notAfter: new Date(startMs + days * DAY_MS),
  };
}

/** Creates the self-signed root CA certificate. */
export async function createCaCertificate(
  keys: CryptoKeyPair,
  commonName: string,
  now: Date,
): Promise<x509.X509Certificate> {
  const name: x509.JsonName = [{ CN: [commonName] }, { O: ['Energy Logger'] }];
  return x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerialNumber(),
    name,
    ...validity(now, CA_VALIDITY_DAYS),
    keys,
    signingAlgorithm: SIGNING_ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
}

/** Parameters of {@link createServerCertificate}. */
export interface ServerCertificateParams {
  caCert: x509.X509Certificate;
  caKey: CryptoKey;
  /** SubjectPublicKeyInfo DER of the server key. */
  publicKey: ArrayBuffer;
  altNames: SubjectAltNames;
  now: Date;
}

/**
 * Creates a server certificate signed by the CA. Its notAfter is capped at
 * the CA's notAfter because a chain is invalid once its root expires.
 */
export async function createServerCertificate(
  params: ServerCertificateParams,
): Promise<x509.X509Certificate> {
  const { caCert, altNames } = params;
  const period = validity(params.now, SERVER_VALIDITY_DAYS);
  if (period.notAfter > caCert.notAfter) period.notAfter = caCert.notAfter;
  const sanEntries: x509.JsonGeneralNames = [
    ...altNames.ips.map((value) => ({ type: 'ip' as const, value })),
    ...altNames.dnsNames.map((value) => ({ type: 'dns' as const, value })),
  ];
  return x509.X509CertificateGenerator.create({
    serialNumber: randomSerialNumber(),
    subject: [{ CN: ['Energy Logger server'] }, { O: ['Energy Logger'] }],
    issuer: caCert.subjectName,
    ...period,
    publicKey: params.publicKey,
    signingKey: params.caKey,
    signingAlgorithm: SIGNING_ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(sanEntries),
      await x509.SubjectKeyIdentifierExtension.create(params.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(caCert.publicKey),
    ],
  });
}

/** Reads the DNS names and IP addresses from a certificate's SubjectAltName. */
export function readSubjectAltNames(
  cert: x509.X509Certificate,
): SubjectAltNames {
  const san = cert.getExtension(x509.SubjectAlternativeNameExtension);
  const result: SubjectAltNames = { dnsNames: [], ips: [] };
  for (const entry of san?.names.items ?? []) {
    if (entry.type === 'dns') result.dnsNames.push(entry.value);
    if (entry.type === 'ip') result.ips.push(entry.value);
  }
  return result;
}

/** Returns the base64 SHA-256 digest of a certificate's SubjectPublicKeyInfo DER. */
export async function spkiSha256Base64(certPem: string): Promise<string> {
  const cert = new x509.X509Certificate(certPem);
  const digest = await crypto.subtle.digest('SHA-256', cert.publicKey.rawData);
  return Buffer.from(digest).toString('base64');
}
