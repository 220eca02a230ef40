// iOS configuration profile that installs the root CA. Once installed, the
// user still has to enable full trust under Settings > General > About >
// Certificate Trust Settings.
import { randomUUID } from 'node:crypto';

/** Reverse-DNS prefix of the profile's PayloadIdentifier values. */
const IDENTIFIER_PREFIX = 'local.energy-logger.root-ca';

function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** Splits base64 into 52-character lines, as Apple's own profiles do. */
function wrapBase64(der: Uint8Array): string {
  const base64 = Buffer.from(der).toString('base64');
  const lines = base64.match(/.{1,52}/g) ?? [];
  return lines.map((line) => `\t\t\t${line}`).join('\n');
}

/**
 * Builds an XML plist configuration profile (PayloadType `Configuration`)
 * with one `com.apple.security.root` payload containing the CA as DER. The
 * payload UUIDs are random, so call this once per CA and keep the file.
 */
export function buildMobileconfig(caDer: Uint8Array, caName: string): string {
  const profileUuid = randomUUID().toUpperCase();
  const payloadUuid = randomUUID().toUpperCase();
  const name = escapeXml(caName);
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
\t<key>PayloadContent</key>
\t<array>
\t\t<dict>
\t\t\t<key>PayloadCertificateFileName</key>
\t\t\t<string>energy-logger-ca.cer</string>
\t\t\t<key>PayloadContent</key>
\t\t\t<data>
${wrapBase64(caDer)}
\t\t\t</data>
\t\t\t<key>PayloadDescription</key>
\t\t\t<string>Adds the Energy Logger root certificate authority.</string>
\t\t\t<key>PayloadDisplayName</key>
\t\t\t<string>${name}</string>
\t\t\t<key>PayloadIdentifier</key>
\t\t\t<string>${IDENTIFIER_PREFIX}.${payloadUuid}</string>
\t\t\t<key>PayloadType</key>
\t\t\t<string>com.apple.security.root</string>
\t\t\t<key>PayloadUUID</key>
\t\t\t<string>${payloadUuid}</string>
\t\t\t<key>PayloadVersion</key>
\t\t\t<integer>1</integer>
\t\t</dict>
\t</array>
\t<key>PayloadDescription</key>
\t<string>Lets this device trust the HTTPS certificate of your Energy Logger. Enable full trust afterwards in Settings &gt; General &gt; About &gt; Certificate Trust Settings.</string>
\t<key>PayloadDisplayName</key>
\t<string>${name}</string>
\t<key>PayloadIdentifier</key>
\t<string>${IDENTIFIER_PREFIX}.${profileUuid}</string>
\t<key>PayloadOrganization</key>
\t<string>Energy Logger</string>
\t<key>PayloadRemovalDisallowed</key>
\t<false/>
\t<key>PayloadType</key>
\t<string>Configuration</string>
\t<key>PayloadUUID</key>
\t<string>${profileUuid}</string>
\t<key>PayloadVersion</key>
\t<integer>1</integer>
</dict>
</plist>
`;
}
