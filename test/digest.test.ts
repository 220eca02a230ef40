import { readFileSync } from 'node:fs';
import { Parser } from 'acorn';
import { simple } from 'acorn-walk';
import ts from 'typescript';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  buildDigestAuthorization,
  formatNonceCount,
  parseAuthParams,
  parseDigestChallenge,
  type DigestChallenge,
} from '../firmware/lib/digest';
import { sha256hex } from './support/sim-helpers';

const SHELLY_HEADER =
  'Digest qop="auth", realm="shellyplusplugs-a8032abe54dc", ' +
  'nonce="6a5f1b2c", algorithm=SHA-256';

function challengeOf(header: string): DigestChallenge {
  const parsed = parseDigestChallenge(header);
  if (!parsed) {
    throw new Error(`No challenge parsed from ${header}`);
  }
  return parsed;
}

// ------------------------------------------------------------------ parsing

test('parses the Shelly challenge', () => {
  assert.equal(parseDigestChallenge(SHELLY_HEADER), {
    realm: 'shellyplusplugs-a8032abe54dc',
    nonce: '6a5f1b2c',
    qop: 'auth',
    algorithm: 'SHA-256',
    opaque: null,
    stale: false,
  });
});

test('parses quoted algorithm and stale flags', () => {
  const quoted = challengeOf(
    'Digest realm="r", nonce="n", algorithm="SHA-256", stale="TRUE"',
  );
  assert.is(quoted.algorithm, 'SHA-256');
  assert.is(quoted.stale, true);
  const unquoted = challengeOf(`${SHELLY_HEADER}, stale=true`);
  assert.is(unquoted.stale, true);
  const notStale = challengeOf(`${SHELLY_HEADER}, stale=false`);
  assert.is(notStale.stale, false);
});

test('parses unquoted numeric nonce', () => {
  const parsed = challengeOf(
    'Digest qop="auth", realm="shellyplus1-abc", nonce=1707326925, algorithm=SHA-256',
  );
  assert.is(parsed.nonce, '1707326925');
  assert.is(parsed.realm, 'shellyplus1-abc');
});

test('parses escapes, opaque and extra spaces', () => {
  const parsed = challengeOf(
    'digest   realm = "a \\"b\\" c",nonce="x,y=z" ,opaque="o1",qop="auth,auth-int"',
  );
  assert.is(parsed.realm, 'a "b" c');
  assert.is(parsed.nonce, 'x,y=z');
  assert.is(parsed.opaque, 'o1');
  assert.is(parsed.qop, 'auth,auth-int');
  assert.is(parsed.algorithm, 'MD5');
});

test('finds Digest after another scheme', () => {
  const parsed = challengeOf(`Basic realm="x", ${SHELLY_HEADER}`);
  assert.is(parsed.nonce, '6a5f1b2c');
  const before = challengeOf(`${SHELLY_HEADER}, Basic realm="other"`);
  assert.is(before.realm, 'shellyplusplugs-a8032abe54dc');
});

test('rejects headers without a usable challenge', () => {
  const cases = [
    '',
    'Basic realm="x"',
    'DigestX realm="r", nonce="n"',
    'Digest realm="r"',
    'Digest nonce="n"',
    'Digest realm="r", nonce=""',
    'Digest realm="r", nonce="unterminated',
  ];
  for (const header of cases) {
    assert.is(parseDigestChallenge(header), null, header);
  }
});

test('first occurrence of a key wins', () => {
  const params = parseAuthParams('realm="a", realm="b", constructor=x', 0);
  assert.ok(params);
  assert.is(params.realm, 'a');
  assert.is(params.constructor, 'x');
});

// ----------------------------------------------------------------- building

test('builds the RFC 7616 header for a known vector', () => {
  const challenge = challengeOf(SHELLY_HEADER);
  const realm = 'shellyplusplugs-a8032abe54dc';
  // Independent computation with node:crypto, following RFC 7616 3.4.1.
  const ha1 = sha256hex(`admin:${realm}:s3cret`);
  const ha2 = sha256hex('POST:/rpc');
  const response = sha256hex(`${ha1}:6a5f1b2c:0000000a:0a4f113b:auth:${ha2}`);
  const expected =
    `Digest username="admin", realm="${realm}", nonce="6a5f1b2c", ` +
    'uri="/rpc", algorithm=SHA-256, qop=auth, nc=0000000a, ' +
    `cnonce="0a4f113b", response="${response}"`;
  const header = buildDigestAuthorization({
    challenge,
    method: 'POST',
    uri: '/rpc',
    username: 'admin',
    password: 's3cret',
    nc: 10,
    cnonce: '0a4f113b',
    sha256hex,
  });
  assert.is(header, expected);
  // The same response from coreutils: printf the three strings of RFC 7616
  // 3.4.1 through `sha256sum`.
  assert.is(
    response,
    '43589165a6c28e3a4b86fc3afe482fcb34ba0b0e33ebeb6f0596353f3f38f555',
  );
});

test('header round-trips through the parser', () => {
  const challenge = challengeOf(
    'Digest realm="we\\"ird", nonce="n1", qop="auth", algorithm=SHA-256, opaque="op"',
  );
  const header = buildDigestAuthorization({
    challenge,
    method: 'GET',
    uri: '/rpc/Switch.Set?id=0&on=true',
    username: 'admin',
    password: 'pw',
    nc: 1,
    cnonce: 'c',
    sha256hex,
  });
  const params = parseAuthParams(header, 'Digest '.length);
  assert.ok(params);
  assert.is(params.realm, 'we"ird');
  assert.is(params.uri, '/rpc/Switch.Set?id=0&on=true');
  assert.is(params.opaque, 'op');
  assert.is(params.nc, '00000001');
  assert.is(params.qop, 'auth');
});

test('challenge without qop uses the RFC 2069 form', () => {
  const challenge = challengeOf(
    'Digest realm="r", nonce="n", algorithm=SHA-256',
  );
  const header = buildDigestAuthorization({
    challenge,
    method: 'GET',
    uri: '/x',
    username: 'admin',
    password: 'p',
    nc: 1,
    cnonce: 'c',
    sha256hex,
  });
  const ha1 = sha256hex('admin:r:p');
  const ha2 = sha256hex('GET:/x');
  assert.ok(
    header.endsWith(`response="${sha256hex(`${ha1}:n:${ha2}`)}"`),
    header,
  );
  assert.not.match(header, 'nc=');
  assert.not.match(header, 'cnonce=');
});

test('rejects unsupported algorithm, qop and nc', () => {
  const base = {
    method: 'GET',
    uri: '/x',
    username: 'admin',
    password: 'p',
    nc: 1,
    cnonce: 'c',
    sha256hex,
  };
  const md5 = challengeOf('Digest realm="r", nonce="n", qop="auth"');
  assert.throws(
    () => buildDigestAuthorization({ ...base, challenge: md5 }),
    /MD5/,
  );
  const authInt = challengeOf(
    'Digest realm="r", nonce="n", qop="auth-int", algorithm=SHA-256',
  );
  assert.throws(
    () => buildDigestAuthorization({ ...base, challenge: authInt }),
    /auth-int/,
  );
  const good = challengeOf(SHELLY_HEADER);
  assert.throws(
    () => buildDigestAuthorization({ ...base, challenge: good, cnonce: '' }),
    /cnonce/,
  );
  for (const nc of [0, 1.5, 2 ** 32, Number.NaN]) {
    assert.throws(() => formatNonceCount(nc), /nc/, String(nc));
  }
  assert.is(formatNonceCount(1), '00000001');
  assert.is(formatNonceCount(255), '000000ff');
  assert.is(formatNonceCount(0xffffffff), 'ffffffff');
});

// ------------------------------------------------------------- portability

test('digest.ts uses only syntax Espruino runs', () => {
  const source = readFileSync(
    new URL('../firmware/lib/digest.ts', import.meta.url),
    'utf8',
  );
  const output = ts.transpileModule(source, {
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
    },
  }).outputText;
  const ast = Parser.parse(output, { ecmaVersion: 2022, sourceType: 'module' });
  const found: string[] = [];
  const note = (kind: string) => () => {
    found.push(kind);
  };
  simple(ast, {
    ImportDeclaration: note('import'),
    ClassDeclaration: note('class'),
    SpreadElement: note('spread'),
    RestElement: note('rest'),
    ObjectPattern: note('destructuring'),
    ArrayPattern: note('destructuring'),
    AssignmentPattern: note('default parameter'),
    Literal: (node) => {
      if ('regex' in node && node.regex) found.push('regex');
    },
    NewExpression: (node) => {
      if (node.callee.type === 'Identifier' && node.callee.name === 'RegExp') {
        found.push('regex');
      }
    },
  });
  assert.equal(found, []);
});

test.run();
