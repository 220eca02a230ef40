/**
 * Client side of HTTP digest authentication (RFC 7616) with SHA-256 and
 * qop=auth, as Gen2 Shelly devices require when a password is set.
 *
 * This file also runs on the Espruino interpreter, so it uses no Node
 * modules, no regular expressions, no destructuring, spread or default
 * parameters. The SHA-256 function is passed in by the caller.
 */

/** Parameters of a `WWW-Authenticate: Digest ...` challenge. */
export interface DigestChallenge {
  realm: string;
  /** Opaque server value: a number on older firmware, other text on newer. */
  nonce: string;
  /** The qop list as sent, e.g. `auth` or `auth,auth-int`; empty if absent. */
  qop: string;
  /** Algorithm as sent; `MD5` when absent, the RFC 7616 default. */
  algorithm: string;
  opaque: string | null;
  /** True when the server rejected a valid digest because its nonce expired. */
  stale: boolean;
}

export interface DigestAuthorizationArgs {
  challenge: DigestChallenge;
  /** HTTP method of the request, e.g. `POST`. */
  method: string;
  /** Request target exactly as sent, e.g. `/rpc` or `/rpc/Switch.Set?id=0`. */
  uri: string;
  username: string;
  password: string;
  /** Number of requests sent with this nonce so far, this one included. */
  nc: number;
  /** Client nonce: fresh random text for every request. */
  cnonce: string;
  /** Returns the lower-case hex SHA-256 of a UTF-8 string. */
  sha256hex: (text: string) => string;
}

function isSpace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\r' || c === '\n';
}

function skipSpaces(text: string, start: number): number {
  let i = start;
  while (i < text.length && isSpace(text.charAt(i))) {
    i++;
  }
  return i;
}

// Returns the index just after the `Digest` scheme token, or -1 if the
// header has no such token. Other schemes may come before it.
function findDigestScheme(header: string): number {
  const lower = header.toLowerCase();
  let from = 0;
  while (from < lower.length) {
    const at = lower.indexOf('digest', from);
    if (at < 0) {
      return -1;
    }
    const before = at === 0 ? ' ' : lower.charAt(at - 1);
    const after = lower.charAt(at + 6);
    if ((isSpace(before) || before === ',') && isSpace(after)) {
      return at + 6;
    }
    from = at + 6;
  }
  return -1;
}

/**
 * Parses the `key=value` list that follows an auth scheme. Values may be
 * tokens or quoted strings with backslash escapes. Keys are lower-cased and
 * the first occurrence of a key wins. Parsing stops at a token without `=`,
 * which starts the next challenge. Returns null for an unterminated quote.
 */
export function parseAuthParams(
  text: string,
  start: number,
): Record<string, string> | null {
  const params: Record<string, string> = {};
  const n = text.length;
  let i = start;
  while (i < n) {
    while (i < n && (isSpace(text.charAt(i)) || text.charAt(i) === ',')) {
      i++;
    }
    const keyEnd = tokenEnd(text, i, true);
    const key = text.substring(i, keyEnd).toLowerCase();
    i = skipSpaces(text, keyEnd);
    if (key === '' || text.charAt(i) !== '=') {
      break;
    }
    i = skipSpaces(text, i + 1);
    let value = '';
    if (text.charAt(i) === '"') {
      const quoted = readQuoted(text, i + 1);
      if (quoted === null) {
        return null;
      }
      value = quoted.value;
      i = quoted.next;
    } else {
      const valueEnd = tokenEnd(text, i, false);
      value = text.substring(i, valueEnd);
      i = valueEnd;
    }
    if (!Object.prototype.hasOwnProperty.call(params, key)) {
      params[key] = value;
    }
  }
  return params;
}

// Returns the index after a token: the first space, comma or end of text,
// and also the first `=` when `stopAtEquals` is set.
function tokenEnd(text: string, start: number, stopAtEquals: boolean): number {
  let i = start;
  while (i < text.length) {
    const c = text.charAt(i);
    if (isSpace(c) || c === ',' || (stopAtEquals && c === '=')) {
      break;
    }
    i++;
  }
  return i;
}

// Reads a quoted string whose opening quote is just before `start`.
function readQuoted(
  text: string,
  start: number,
): { value: string; next: number } | null {
  let value = '';
  let i = start;
  while (i < text.length) {
    const c = text.charAt(i);
    if (c === '\\' && i + 1 < text.length) {
      value += text.charAt(i + 1);
      i += 2;
    } else if (c === '"') {
      return { value: value, next: i + 1 };
    } else {
      value += c;
      i++;
    }
  }
  return null;
}

function ownValue(params: Record<string, string>, key: string): string | null {
  return Object.prototype.hasOwnProperty.call(params, key) ? params[key] : null;
}

/**
 * Parses a `WWW-Authenticate` header value. Returns null when it has no
 * Digest challenge or the challenge lacks `realm` or `nonce`.
 */
export function parseDigestChallenge(header: string): DigestChallenge | null {
  if (typeof header !== 'string') {
    return null;
  }
  const start = findDigestScheme(header);
  if (start < 0) {
    return null;
  }
  const params = parseAuthParams(header, start);
  if (params === null) {
    return null;
  }
  const realm = ownValue(params, 'realm');
  const nonce = ownValue(params, 'nonce');
  if (realm === null || nonce === null || nonce === '') {
    return null;
  }
  const algorithm = ownValue(params, 'algorithm');
  const stale = ownValue(params, 'stale');
  return {
    realm: realm,
    nonce: nonce,
    qop: ownValue(params, 'qop') || '',
    algorithm: algorithm === null ? 'MD5' : algorithm,
    opaque: ownValue(params, 'opaque'),
    stale: stale !== null && stale.toLowerCase() === 'true',
  };
}

/** Formats a nonce count as 8 lower-case hex digits, e.g. `00000001`. */
export function formatNonceCount(nc: number): string {
  if (typeof nc !== 'number' || Math.floor(nc) !== nc || nc < 1) {
    throw new Error('Invalid digest nc ' + nc + ': expected an integer >= 1');
  }
  if (nc > 0xffffffff) {
    throw new Error('Invalid digest nc ' + nc + ': exceeds 8 hex digits');
  }
  let hex = nc.toString(16);
  while (hex.length < 8) {
    hex = '0' + hex;
  }
  return hex;
}

function quote(value: string): string {
  let out = '"';
  for (let i = 0; i < value.length; i++) {
    const c = value.charAt(i);
    out += c === '"' || c === '\\' ? '\\' + c : c;
  }
  return out + '"';
}

function offersQopAuth(qop: string): boolean {
  const options = qop.split(',');
  for (let i = 0; i < options.length; i++) {
    if (options[i].trim().toLowerCase() === 'auth') {
      return true;
    }
  }
  return false;
}

// Throws unless the challenge names SHA-256 and, if it lists qop values,
// includes `auth`. Returns whether the qop=auth form applies.
function checkSupported(challenge: DigestChallenge): boolean {
  const algorithm = challenge.algorithm;
  if (algorithm.toUpperCase() !== 'SHA-256') {
    const reason = 'only SHA-256 is implemented';
    throw new Error(
      'Unsupported digest algorithm ' + algorithm + ': ' + reason,
    );
  }
  const useQop = offersQopAuth(challenge.qop);
  if (challenge.qop !== '' && !useQop) {
    const reason = 'only auth is implemented';
    throw new Error('Unsupported digest qop ' + challenge.qop + ': ' + reason);
  }
  return useQop;
}

/**
 * Builds the `Authorization` header value for one request. Throws when the
 * challenge names an algorithm other than SHA-256, or lists qop values
 * without `auth`. A challenge without qop gets the RFC 2069 response form.
 */
export function buildDigestAuthorization(
  args: DigestAuthorizationArgs,
): string {
  const challenge = args.challenge;
  const h = args.sha256hex;
  const useQop = checkSupported(challenge);
  const ha1 = h([args.username, challenge.realm, args.password].join(':'));
  const ha2 = h([args.method, args.uri].join(':'));
  const fields = [
    'username=' + quote(args.username),
    'realm=' + quote(challenge.realm),
    'nonce=' + quote(challenge.nonce),
    'uri=' + quote(args.uri),
    'algorithm=SHA-256',
  ];
  let response: string;
  if (useQop) {
    if (args.cnonce === '') {
      throw new Error('Missing digest cnonce: qop=auth needs a random cnonce');
    }
    const nc = formatNonceCount(args.nc);
    response = h(
      [ha1, challenge.nonce, nc, args.cnonce, 'auth', ha2].join(':'),
    );
    fields.push('qop=auth', 'nc=' + nc, 'cnonce=' + quote(args.cnonce));
  } else {
    response = h([ha1, challenge.nonce, ha2].join(':'));
  }

  fields.push('response=' + quote(response));
  if (challenge.opaque !== null) {
    fields.push('opaque=' + quote(challenge.opaque));
  }
  return 'Digest ' + fields.join(', ');
}
