// Command line for the certificate tooling:
//   npx tsx certs/cli.ts [--dir certs/out] [--name logger.local]
//     [--ip 10.0.0.5] [--renew]
import { X509Certificate as NodeCertificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import {
  DEFAULT_CERT_DIR,
  DEFAULT_DNS_NAMES,
  DEFAULT_IPS,
  ensureCertificates,
  renewServerCertificate,
  spkiSha256Base64,
  type CertificateResult,
} from './ca';

const USAGE = `Usage: npx tsx certs/cli.ts [options]

Creates a private root CA once and a server certificate signed by it, or
keeps the existing ones when they are still valid.

Options:
  --dir DIR      output folder (default: ${path.relative(process.cwd(), DEFAULT_CERT_DIR) || '.'})
  --name NAME    extra DNS name for the server certificate; repeatable
                 (always included: ${DEFAULT_DNS_NAMES.join(', ')})
  --ip ADDRESS   extra IP address for the server certificate; repeatable
                 (always included: ${DEFAULT_IPS.join(', ')})
  --renew        issue a new server certificate now, with the same CA and
                 server key, covering the defaults and this call's
                 --name/--ip values only
  -h, --help     show this help
`;

function parseCommandLine() {
  const { values } = parseArgs({
    options: {
      dir: { type: 'string' },
      name: { type: 'string', multiple: true },
      ip: { type: 'string', multiple: true },
      renew: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  return values;
}

const FILE_DESCRIPTIONS: [keyof CertificateResult, string][] = [
  ['caCert', 'root CA certificate, PEM (desktop browsers, Linux)'],
  ['caCertDer', 'root CA certificate, DER (Android, Windows)'],
  ['mobileconfig', 'iOS configuration profile with the root CA'],
  ['serverCert', 'server certificate, PEM'],
  ['serverKey', 'server private key, mode 0600'],
  ['caKey', 'root CA private key, mode 0600: keep it on this machine'],
];

async function printSummary(result: CertificateResult): Promise<void> {
  const serverPem = await readFile(result.serverCert, 'utf8');
  const server = new NodeCertificate(serverPem);
  const caState = result.caCreated ? 'created' : 'kept';
  const serverState = result.serverCertificateIssued
    ? `issued (${result.serverIssueReason})`
    : 'kept';
  console.log('');
  console.log(`Root CA ${caState}: ${result.caCommonName}`);
  console.log(`  SHA-256 fingerprint: ${result.caFingerprint256}`);
  console.log(`Server certificate ${serverState}`);
  console.log(`  Names: ${server.subjectAltName ?? '(none)'}`);
  console.log(`  Valid until: ${server.validTo}`);
  console.log(`  SPKI SHA-256: ${await spkiSha256Base64(serverPem)}`);
  console.log(`Files in ${result.dir}:`);
  for (const [key, description] of FILE_DESCRIPTIONS) {
    const file = path.basename(String(result[key]));
    console.log(`  ${file.padEnd(31)} ${description}`);
  }
  console.log('See certs/README.md for how to trust the CA on each device.');
}

async function main(): Promise<void> {
  let values: ReturnType<typeof parseCommandLine>;
  try {
    values = parseCommandLine();
  } catch (error) {
    console.error(`certs: ${(error as Error).message}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const options = {
    dir: values.dir,
    names: values.name,
    ips: values.ip,
    log: (message: string) => console.log(message),
  };
  const result = values.renew
    ? await renewServerCertificate(options)
    : await ensureCertificates(options);
  await printSummary(result);
}

main().catch((error: unknown) => {
  console.error(`certs: ${(error as Error).message}`);
  process.exitCode = 1;
});
