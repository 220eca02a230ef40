// Checks the certificate tooling with the openssl command-line tool and a
// real TLS handshake, independently of @peculiar/x509.
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  unlinkSync,
} from 'node:fs';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tls from 'node:tls';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  certificatePaths,
  ensureCertificates,
  renewServerCertificate,
  spkiSha256Base64,
  type CertificateResult,
} from '../certs/ca';

const DAY_MS = 24 * 60 * 60 * 1000;
const root = mkdtempSync(join(tmpdir(), 'certs-test-'));
let main: CertificateResult;
let other: CertificateResult;

function openssl(args: string[], input?: string | Buffer): string {
  return execFileSync('openssl', args, { encoding: 'utf8', input });
}

function opensslError(args: string[]): string | null {
  try {
    execFileSync('openssl', args, { stdio: 'pipe' });
    return null;
  } catch (error) {
    const failure = error as { stdout: Buffer; stderr: Buffer };
    return `${failure.stdout}${failure.stderr}`;
  }
}

function certText(file: string): string {
  return openssl(['x509', '-in', file, '-noout', '-text']);
}

function fingerprint(file: string): string {
  return openssl(['x509', '-in', file, '-noout', '-fingerprint', '-sha256']);
}

function validityDays(file: string): { start: Date; end: Date; days: number } {
  const output = openssl([
    'x509',
    '-in',
    file,
    '-noout',
    '-startdate',
    '-enddate',
  ]);
  const start = new Date(/notBefore=(.+)/.exec(output)![1]);
  const end = new Date(/notAfter=(.+)/.exec(output)![1]);
  return { start, end, days: (end.getTime() - start.getTime()) / DAY_MS };
}

function publicKeyOfCert(file: string): string {
  return openssl(['x509', '-in', file, '-noout', '-pubkey']);
}

/** Returns a fresh folder with copies of the main CA and server files. */
function copyOfMain(name: string): string {
  const dir = join(root, name);
  const target = certificatePaths(dir);
  execFileSync('mkdir', ['-p', dir]);
  for (const key of ['caCert', 'caKey', 'serverCert', 'serverKey'] as const) {
    copyFileSync(main[key], target[key]);
  }
  return dir;
}

test.before(async () => {
  main = await ensureCertificates({
    dir: join(root, 'main'),
    names: ['logger.local'],
    ips: ['10.0.0.5'],
  });
  other = await ensureCertificates({ dir: join(root, 'other') });
});

test.after(() => {
  rmSync(root, { recursive: true, force: true });
});

test('first run creates every file', () => {
  assert.ok(main.created);
  assert.ok(main.caCreated);
  assert.ok(main.serverCertificateIssued);
  assert.ok(main.serverKeyCreated);
  for (const key of ['caCert', 'caCertDer', 'caKey', 'mobileconfig'] as const) {
    assert.ok(statSync(main[key]).size > 0, `${key} is empty`);
  }
});

test('CA has CA:TRUE, pathlen 0 and key usages', () => {
  const text = certText(main.caCert);
  assert.match(text, /Basic Constraints: critical\s+CA:TRUE, pathlen:0/);
  assert.match(text, /Key Usage: critical\s+Certificate Sign, CRL Sign/);
  assert.match(text, /Subject Key Identifier/);
  assert.match(text, /Signature Algorithm: ecdsa-with-SHA256/);
  assert.match(text, /NIST CURVE: P-256/);
});

test('CA subject has a Common Name', () => {
  const subject = openssl(['x509', '-in', main.caCert, '-noout', '-subject']);
  assert.match(subject, /CN = Energy Logger Local CA \([0-9a-f]{8}\)/);
  assert.is(main.caCommonName, /CN = ([^,\n]+)/.exec(subject)![1]);
});

test('CA is valid for about ten years', () => {
  const { days } = validityDays(main.caCert);
  assert.ok(days >= 3649, `CA valid for only ${days} days`);
  assert.ok(days <= 3651, `CA valid for ${days} days`);
});

test('CAs of two installations differ', () => {
  assert.is.not(fingerprint(main.caCert), fingerprint(other.caCert));
  assert.is.not(main.caCommonName, other.caCommonName);
});

test('serial numbers are positive and unique', () => {
  const serials = [main.caCert, main.serverCert, other.caCert].map((file) =>
    openssl(['x509', '-in', file, '-noout', '-serial']).trim(),
  );
  for (const serial of serials) assert.match(serial, /^serial=[0-7][0-9A-F]+$/);
  assert.is(new Set(serials).size, serials.length);
});

test('server cert lists every SAN', () => {
  const text = certText(main.serverCert);
  const expected = [
    'IP Address:192.168.4.1',
    'DNS:localhost',
    'IP Address:127.0.0.1',
    'IP Address:0:0:0:0:0:0:0:1',
    'DNS:logger.local',
    'IP Address:10.0.0.5',
  ];
  for (const name of expected)
    assert.ok(text.includes(name), `missing ${name}`);
});

test('server cert usages and algorithms', () => {
  const text = certText(main.serverCert);
  assert.match(text, /Extended Key Usage:\s+TLS Web Server Authentication/);
  assert.match(text, /Key Usage: critical\s+Digital Signature\n/);
  assert.match(text, /Basic Constraints: critical\s+CA:FALSE/);
  assert.match(text, /Signature Algorithm: ecdsa-with-SHA256/);
  assert.match(text, /ASN1 OID: prime256v1/);
  assert.match(text, /NIST CURVE: P-256/);
});

test('server AKI equals CA SKI', () => {
  const ski = /Subject Key Identifier:\s+(\S+)/.exec(certText(main.caCert));
  const aki = /Authority Key Identifier:\s+(?:keyid:)?(\S+)/.exec(
    certText(main.serverCert),
  );
  assert.ok(ski, 'CA has no subject key identifier');
  assert.ok(aki, 'server has no authority key identifier');
  assert.is(aki![1], ski![1]);
});

test('server validity at most 397 days', () => {
  const { start, days } = validityDays(main.serverCert);
  assert.ok(days <= 397, `server certificate valid for ${days} days`);
  assert.ok(days >= 396, `server certificate valid for only ${days} days`);
  const backdate = Date.now() - start.getTime();
  assert.ok(backdate > 0, 'notBefore is in the future');
  assert.ok(backdate <= 2 * 60 * 60 * 1000, `notBefore ${start} too early`);
});

test('openssl verify accepts own CA', () => {
  const output = openssl(['verify', '-CAfile', main.caCert, main.serverCert]);
  assert.match(output, /: OK/);
});

test('openssl verify rejects another CA', () => {
  const error = opensslError([
    'verify',
    '-CAfile',
    other.caCert,
    main.serverCert,
  ]);
  assert.ok(error !== null, 'verification against another CA succeeded');
  assert.match(error!, /unable to get local issuer certificate/);
});

test('ca.cer is the DER of ca.crt', () => {
  const fromDer = openssl([
    'x509',
    '-inform',
    'der',
    '-in',
    main.caCertDer,
    '-noout',
    '-fingerprint',
    '-sha256',
  ]);
  assert.is(fromDer, fingerprint(main.caCert));
  assert.is(fromDer.split('=')[1].trim(), main.caFingerprint256);
});

test('server.key matches server.crt', () => {
  const fromKey = openssl(['pkey', '-in', main.serverKey, '-pubout']);
  assert.is(fromKey, publicKeyOfCert(main.serverCert));
});

test('ca.key matches ca.crt', () => {
  const fromKey = openssl(['pkey', '-in', main.caKey, '-pubout']);
  assert.is(fromKey, publicKeyOfCert(main.caCert));
});

test('keys are unencrypted PKCS#8 PEM', () => {
  for (const file of [main.serverKey, main.caKey]) {
    assert.match(readFileSync(file, 'utf8'), /^-----BEGIN PRIVATE KEY-----\n/);
  }
});

test('key files have mode 0600', () => {
  assert.is(statSync(main.serverKey).mode & 0o777, 0o600);
  assert.is(statSync(main.caKey).mode & 0o777, 0o600);
});

test('spki helper matches openssl', async () => {
  const pipeline =
    'openssl x509 -in "$CERT" -pubkey -noout | openssl pkey -pubin -outform der' +
    ' | openssl dgst -sha256 -binary | base64';
  const expected = execFileSync('sh', ['-c', pipeline], {
    encoding: 'utf8',
    env: { ...process.env, CERT: main.serverCert },
  }).trim();
  assert.is(
    await spkiSha256Base64(readFileSync(main.serverCert, 'utf8')),
    expected,
  );
  assert.is.not(
    await spkiSha256Base64(readFileSync(other.serverCert, 'utf8')),
    expected,
  );
});

/** Checks that every element is closed in order. Returns the root element name. */
function checkXmlNesting(xml: string): string {
  const body = xml.replace(/^<\?xml[^>]*\?>\s*<!DOCTYPE[^>]*>/, '');
  const open: string[] = [];
  let rootName = '';
  for (const match of body.matchAll(/<(\/?)([A-Za-z]+)[^>]*?(\/?)>/g)) {
    const [, closing, name, selfClosing] = match;
    if (closing) {
      const last = open.pop();
      if (last !== name) throw new Error(`</${name}> closes <${last}>`);
    } else if (!selfClosing) {
      if (open.length === 0) rootName = name;
      open.push(name);
    }
  }
  if (open.length > 0) throw new Error(`unclosed <${open.join('>, <')}>`);
  return rootName;
}

function hasPython(): boolean {
  try {
    execFileSync('python3', ['-c', 'import plistlib'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

const PLIST_SUMMARY = `
import base64, json, plistlib, sys
profile = plistlib.load(open(sys.argv[1], 'rb'))
payload = profile['PayloadContent'][0]
print(json.dumps({
  'type': profile['PayloadType'], 'version': profile['PayloadVersion'],
  'uuid': profile['PayloadUUID'], 'identifier': profile['PayloadIdentifier'],
  'name': profile['PayloadDisplayName'], 'payloadType': payload['PayloadType'],
  'payloadUuid': payload['PayloadUUID'],
  'der': base64.b64encode(payload['PayloadContent']).decode(),
}))
`;

test('mobileconfig contains the CA', () => {
  const profile = readFileSync(main.mobileconfig, 'utf8');
  const derBase64 = readFileSync(main.caCertDer).toString('base64');
  assert.ok(profile.replace(/\s/g, '').includes(derBase64), 'CA DER missing');
  assert.match(profile, /<string>com\.apple\.security\.root<\/string>/);
  assert.match(profile, /<key>PayloadType<\/key>\s*<string>Configuration</);
  assert.is(checkXmlNesting(profile), 'plist');
});

test('mobileconfig parses as a plist', () => {
  if (!hasPython()) {
    console.warn('python3 plistlib not found: plist parsing not checked');
    return;
  }
  const output = execFileSync('python3', [
    '-c',
    PLIST_SUMMARY,
    main.mobileconfig,
  ]);
  const plist = JSON.parse(output.toString());
  const uuid = /^[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}$/;
  assert.is(plist.type, 'Configuration');
  assert.is(plist.version, 1);
  assert.is(plist.payloadType, 'com.apple.security.root');
  assert.is(plist.name, main.caCommonName);
  assert.match(plist.uuid, uuid);
  assert.match(plist.payloadUuid, uuid);
  assert.is.not(plist.uuid, plist.payloadUuid);
  assert.ok(plist.identifier.length > 0);
  assert.is(plist.der, readFileSync(main.caCertDer).toString('base64'));
});

test('second run keeps everything', async () => {
  const before = readFileSync(main.serverCert, 'utf8');
  const profile = readFileSync(main.mobileconfig, 'utf8');
  const caPrint = fingerprint(main.caCert);
  const again = await ensureCertificates({
    dir: main.dir,
    names: ['logger.local'],
    ips: ['10.0.0.5'],
  });
  assert.not.ok(again.created);
  assert.not.ok(again.serverCertificateIssued);
  assert.is(again.serverIssueReason, null);
  assert.is(fingerprint(main.caCert), caPrint);
  assert.is(readFileSync(main.serverCert, 'utf8'), before);
  assert.is(readFileSync(main.mobileconfig, 'utf8'), profile);
});

test('new name renews with same CA', async () => {
  const dir = copyOfMain('new-name');
  const result = await ensureCertificates({ dir, names: ['extra.local'] });
  assert.ok(result.serverCertificateIssued);
  assert.not.ok(result.caCreated);
  assert.not.ok(result.serverKeyCreated);
  assert.match(result.serverIssueReason ?? '', /extra\.local/);
  assert.is(fingerprint(result.caCert), fingerprint(main.caCert));
  const text = certText(result.serverCert);
  assert.ok(text.includes('DNS:extra.local'), 'new name missing');
  assert.ok(text.includes('DNS:logger.local'), 'previous name dropped');
  assert.ok(text.includes('IP Address:10.0.0.5'), 'previous IP dropped');
  assert.is(
    publicKeyOfCert(result.serverCert),
    publicKeyOfCert(main.serverCert),
  );
  assert.match(
    openssl(['verify', '-CAfile', main.caCert, result.serverCert]),
    /: OK/,
  );
});

test('renew keeps CA and server key', async () => {
  const dir = copyOfMain('renew');
  const result = await renewServerCertificate({ dir, ips: ['10.0.0.9'] });
  assert.ok(result.serverCertificateIssued);
  assert.is(result.serverIssueReason, 'renewal requested');
  assert.is(fingerprint(result.caCert), fingerprint(main.caCert));
  assert.is(
    publicKeyOfCert(result.serverCert),
    publicKeyOfCert(main.serverCert),
  );
  assert.is.not(fingerprint(result.serverCert), fingerprint(main.serverCert));
  const text = certText(result.serverCert);
  assert.ok(text.includes('IP Address:10.0.0.9'), 'requested IP missing');
  assert.ok(text.includes('IP Address:192.168.4.1'), 'default IP missing');
  assert.not.ok(
    text.includes('DNS:logger.local'),
    'name of an earlier call kept',
  );
});

test('expiring server cert is renewed', async () => {
  const dir = copyOfMain('expiry');
  const { end } = validityDays(main.serverCert);
  const options = { dir, names: ['logger.local'], ips: ['10.0.0.5'] };
  const early = new Date(end.getTime() - 40 * DAY_MS);
  const notRenewed = await ensureCertificates({ ...options, now: early });
  assert.not.ok(notRenewed.serverCertificateIssued);
  const late = new Date(end.getTime() - 10 * DAY_MS);
  const renewed = await ensureCertificates({ ...options, now: late });
  assert.ok(renewed.serverCertificateIssued);
  assert.match(renewed.serverIssueReason ?? '', /expires/);
  const { end: newEnd } = validityDays(renewed.serverCert);
  assert.ok(newEnd > end, `new notAfter ${newEnd} not after ${end}`);
  assert.is(fingerprint(renewed.caCert), fingerprint(main.caCert));
});

test('server cert of another CA is replaced', async () => {
  const dir = copyOfMain('foreign');
  copyFileSync(other.serverCert, certificatePaths(dir).serverCert);
  const result = await ensureCertificates({ dir });
  assert.match(result.serverIssueReason ?? '', /not signed by this CA/);
  assert.match(
    openssl(['verify', '-CAfile', main.caCert, result.serverCert]),
    /: OK/,
  );
});

test('missing CA key is an error', async () => {
  const dir = copyOfMain('no-ca-key');
  unlinkSync(certificatePaths(dir).caKey);
  try {
    await ensureCertificates({ dir });
    assert.unreachable('ensureCertificates created a new CA');
  } catch (error) {
    assert.instance(error, Error);
    assert.match((error as Error).message, /ca\.key is missing/);
  }
  assert.is(
    fingerprint(certificatePaths(dir).caCert),
    fingerprint(main.caCert),
  );
});

test('CA near expiry caps server cert', async () => {
  const dir = copyOfMain('ca-expiry');
  const { end: caEnd } = validityDays(main.caCert);
  const messages: string[] = [];
  const result = await ensureCertificates({
    dir,
    now: new Date(caEnd.getTime() - 100 * DAY_MS),
    log: (message) => messages.push(message),
  });
  assert.ok(result.serverCertificateIssued);
  assert.ok(
    messages.some((message) => message.startsWith('Warning: root CA expires')),
    messages.join('\n'),
  );
  const { end: serverEnd } = validityDays(result.serverCert);
  assert.is(serverEnd.getTime(), caEnd.getTime());
});

test('expired CA is an error', async () => {
  const dir = copyOfMain('ca-expired');
  const { end: caEnd } = validityDays(main.caCert);
  const now = new Date(caEnd.getTime() + DAY_MS);
  try {
    await ensureCertificates({ dir, now });
    assert.unreachable('ensureCertificates accepted an expired CA');
  } catch (error) {
    assert.match((error as Error).message, /expired on/);
  }
});

test('invalid names are rejected', async () => {
  const dir = join(root, 'invalid');
  for (const options of [{ names: ['bad_name!'] }, { ips: ['300.1.1.1'] }]) {
    try {
      await ensureCertificates({ dir, ...options });
      assert.unreachable(`accepted ${JSON.stringify(options)}`);
    } catch (error) {
      assert.match((error as Error).message, /^Invalid (DNS name|IP address)/);
    }
  }
});

test('ensure restores key mode 0600', async () => {
  const dir = copyOfMain('mode');
  const paths = certificatePaths(dir);
  chmodSync(paths.serverKey, 0o644);
  chmodSync(paths.caKey, 0o644);
  await ensureCertificates({ dir, names: ['logger.local'], ips: ['10.0.0.5'] });
  assert.is(statSync(paths.serverKey).mode & 0o777, 0o600);
  assert.is(statSync(paths.caKey).mode & 0o777, 0o600);
});

async function withHttpsServer(run: (port: number) => Promise<void>) {
  const server = https.createServer(
    { key: readFileSync(main.serverKey), cert: readFileSync(main.serverCert) },
    (_request, response) => response.end('ok'),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await run((server.address() as AddressInfo).port);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

function handshake(port: number, ca?: Buffer): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const options = { host: '127.0.0.1', port, servername: 'localhost', ca };
    const socket = tls.connect(
      { ...options, rejectUnauthorized: false },
      () => {
        socket.end();
        resolve(socket);
      },
    );
    socket.once('error', reject);
  });
}

test('TLS handshake trusts the CA', async () => {
  await withHttpsServer(async (port) => {
    const trusted = await handshake(port, readFileSync(main.caCert));
    assert.ok(trusted.authorized, String(trusted.authorizationError));
    const untrusted = await handshake(port);
    assert.not.ok(untrusted.authorized);
    assert.ok(untrusted.authorizationError);
    const wrongCa = await handshake(port, readFileSync(other.caCert));
    assert.not.ok(wrongCa.authorized);
  });
});

test('HTTPS by IP address verifies', async () => {
  await withHttpsServer(async (port) => {
    const body = await new Promise<string>((resolve, reject) => {
      const url = `https://127.0.0.1:${port}/`;
      https
        .get(url, { ca: readFileSync(main.caCert) }, (response) => {
          response.setEncoding('utf8');
          let text = '';
          response.on('data', (chunk: string) => (text += chunk));
          response.on('end', () => resolve(text));
        })
        .on('error', reject);
    });
    assert.is(body, 'ok');
  });
});

test.run();
