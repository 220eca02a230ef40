// File helpers for the certificate folder.
import { randomBytes } from 'node:crypto';
import {
  chmod,
  mkdir,
  readFile,
  rename,
  stat,
  writeFile,
} from 'node:fs/promises';
import * as path from 'node:path';
import type { x509 } from './x509';
import type { CertificatePaths } from './ca';
import { buildMobileconfig } from './mobileconfig';

/** Owner read and write only, for private keys. */
export const KEY_MODE = 0o600;
export const CERT_MODE = 0o644;

function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT';
}

/** Returns the file's bytes, or null when it does not exist. */
export async function readBytesIfExists(file: string): Promise<Buffer | null> {
  try {
    return await readFile(file);
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}

/** Returns the file's UTF-8 text, or null when it does not exist. */
export async function readTextIfExists(file: string): Promise<string | null> {
  const bytes = await readBytesIfExists(file);
  return bytes === null ? null : bytes.toString('utf8');
}

/**
 * Writes through a temporary file and a rename, so a reader never sees a
 * half-written key or certificate. The mode is set explicitly because the
 * process umask may clear bits of the mode given to writeFile.
 */
export async function writeFileAtomic(
  file: string,
  data: string | Uint8Array,
  mode: number,
): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temporary, data, { mode });
  await chmod(temporary, mode);
  await rename(temporary, file);
}

/** Sets the mode of an existing file when it differs, for example after a copy that widened it. */
export async function ensureMode(
  file: string,
  mode: number,
  log: (message: string) => void,
): Promise<void> {
  if (process.platform === 'win32') return;
  const current = (await stat(file)).mode & 0o777;
  if (current === mode) return;
  await chmod(file, mode);
  log(
    `Changed mode of ${file} from ${current.toString(8)} to ${mode.toString(8)}.`,
  );
}

/**
 * Writes ca.cer (the CA as DER) when missing or different, and the iOS
 * profile when missing or when it does not contain this CA. Returns true
 * when a file was written.
 */
export async function writeCaCompanions(
  paths: CertificatePaths,
  caCert: x509.X509Certificate,
  log: (message: string) => void,
): Promise<boolean> {
  const der = new Uint8Array(caCert.rawData);
  let written = false;
  const existingDer = await readBytesIfExists(paths.caCertDer);
  if (existingDer === null || !existingDer.equals(der)) {
    await writeFileAtomic(paths.caCertDer, der, CERT_MODE);
    log(`Wrote ${paths.caCertDer}.`);
    written = true;
  }
  const profile = await readTextIfExists(paths.mobileconfig);
  const derBase64 = Buffer.from(der).toString('base64');
  if (profile === null || !profile.replace(/\s/g, '').includes(derBase64)) {
    const caName = caCert.subjectName.getField('CN')[0] ?? 'Energy Logger CA';
    await writeFileAtomic(
      paths.mobileconfig,
      buildMobileconfig(der, caName),
      CERT_MODE,
    );
    log(`Wrote ${paths.mobileconfig}.`);
    written = true;
  }
  return written;
}
