/**
 * Server side of HTTP digest authentication (RFC 7616, SHA-256, qop=auth)
 * as a Gen2 Shelly device does it: user `admin`, realm = device id.
 *
 * Each nonce remembers the highest `nc` it was used with. The first use must
 * carry nc=1 and every later use a higher count, so a replayed header fails.
 */

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const DIGEST_USER = 'admin';

export type DigestVerdict = 'ok' | 'stale' | 'denied';

export interface DigestVerifierOptions {
  realm: string;
  password: string;
  /** Simulator clock in Unix milliseconds. */
  now: () => number;
  /** How long a nonce stays valid after it was issued. */
  nonceTtlMs: number;
}

interface NonceRecord {
  issuedMs: number;
  lastNc: number;
}

// Bounds the memory that clients requesting challenges can take.
const MAX_NONCES = 64;

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Parses `Digest k=v, k="v"` into a map; returns null for other schemes. */
export function parseAuthorizationHeader(
  header: string,
): Map<string, string> | null {
  const match = /^\s*Digest\s+/i.exec(header);
  if (!match) {
    return null;
  }
  const fields = new Map<string, string>();
  const pair = /([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/g;
  const rest = header.slice(match[0].length);
  for (const found of rest.matchAll(pair)) {
    const quoted = found[2];
    const value =
      quoted === undefined ? found[3] : quoted.replace(/\\(.)/g, '$1');
    fields.set(found[1].toLowerCase(), value);
  }
  return fields;
}

export class DigestVerifier {
  private readonly options: DigestVerifierOptions;
  private readonly nonces = new Map<string, NonceRecord>();
  private readonly ha1: string;

  constructor(options: DigestVerifierOptions) {
    this.options = options;
    this.ha1 = sha256Hex(`${DIGEST_USER}:${options.realm}:${options.password}`);
  }

  /** Issues a nonce and returns the `WWW-Authenticate` header value. */
  challenge(stale: boolean): string {
    const nonce = randomBytes(12).toString('hex');
    this.nonces.set(nonce, { issuedMs: this.options.now(), lastNc: 0 });
    if (this.nonces.size > MAX_NONCES) {
      const oldest = this.nonces.keys().next().value as string;
      this.nonces.delete(oldest);
    }
    const realm = this.options.realm;
    const header = `Digest qop="auth", realm="${realm}", nonce="${nonce}", algorithm=SHA-256`;
    return stale ? `${header}, stale=true` : header;
  }

  /**
   * Checks an `Authorization` header for a request. Returns 'stale' when the
   * digest is right but its nonce expired or is unknown, so the client
   * should retry with a fresh nonce without asking for the password again.
   */
  verify(
    method: string,
    uri: string,
    header: string | undefined,
  ): DigestVerdict {
    const fields = header ? parseAuthorizationHeader(header) : null;
    if (!fields || !this.hasValidDigest(method, uri, fields)) {
      return 'denied';
    }
    const record = this.nonces.get(fields.get('nonce') as string);
    if (
      !record ||
      this.options.now() - record.issuedMs > this.options.nonceTtlMs
    ) {
      return 'stale';
    }
    const nc = parseInt(fields.get('nc') as string, 16);
    const rising = record.lastNc === 0 ? nc === 1 : nc > record.lastNc;
    if (!rising) {
      return 'denied';
    }
    record.lastNc = nc;
    return 'ok';
  }

  private hasValidDigest(
    method: string,
    uri: string,
    fields: Map<string, string>,
  ): boolean {
    const nc = fields.get('nc') ?? '';
    const cnonce = fields.get('cnonce') ?? '';
    const nonce = fields.get('nonce') ?? '';
    const formatOk =
      fields.get('username') === DIGEST_USER &&
      fields.get('realm') === this.options.realm &&
      fields.get('uri') === uri &&
      (fields.get('algorithm') ?? '').toUpperCase() === 'SHA-256' &&
      fields.get('qop') === 'auth' &&
      /^[0-9a-fA-F]{8}$/.test(nc) &&
      cnonce.length > 0 &&
      nonce.length > 0;
    if (!formatOk) {
      return false;
    }
    const ha2 = sha256Hex(`${method}:${uri}`);
    const expected = sha256Hex(
      `${this.ha1}:${nonce}:${nc}:${cnonce}:auth:${ha2}`,
    );
    const given = Buffer.from((fields.get('response') ?? '').toLowerCase());
    const wanted = Buffer.from(expected);
    return given.length === wanted.length && timingSafeEqual(given, wanted);
  }
}
