/**
 * The certificate page, the CA downloads and the plain-HTTP redirect.
 *
 * With HTTPS on, the plain-HTTP port responds to every request with a 308
 * redirect to the same host name on the HTTPS port, except the routes
 * below. They stay on plain HTTP because a device has to install and trust
 * the CA before it can open the HTTPS app without an error. The HTTPS
 * server serves them too, for adding another device.
 *
 * | route                            | content type                       |
 * | -------------------------------- | ---------------------------------- |
 * | `/certificate`, `/ca`            | the page: steps and fingerprint    |
 * | `/ca.crt`                        | `application/x-x509-ca-cert` (PEM) |
 * | `/ca.cer`                        | `application/x-x509-ca-cert` (DER) |
 * | `/energy-logger-ca.mobileconfig` | `application/x-apple-aspen-config` |
 *
 * The downloads are bytes handed over at start-up, not files looked up by
 * path, so no request can reach `ca.key` or `server.key`.
 */
import type {
  RequestHandler,
  ServerRequest,
  ServerResponse,
} from '../drivers/http-server';
import { sendFailure, splitUrl } from './api-http';

/** The public parts of the CA, as served to devices. */
export interface CaDownloads {
  /** CA certificate, PEM. */
  pem: string | Uint8Array;
  /** CA certificate, DER. */
  der: Uint8Array;
  /** iOS configuration profile that installs the CA. */
  mobileconfig: string | Uint8Array;
  /** SHA-256 fingerprint of the CA certificate, colon-separated hex. */
  fingerprint256: string;
  commonName: string;
}

export const CERTIFICATE_PAGE_PATH = '/certificate';

const CA_CERT_TYPE = 'application/x-x509-ca-cert';
const PROFILE_TYPE = 'application/x-apple-aspen-config';

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/**
 * Returns `https://<host name of Host>:<httpsPort><url>`, or null when the
 * Host header is missing or is not a plain host name, IPv4 or bracketed
 * IPv6 address with an optional port.
 */
export function httpsLocation(
  hostHeader: string | undefined,
  httpsPort: number,
  url: string,
): string | null {
  const host = (hostHeader || '').trim();
  const match = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:\d{1,5})?$/i.exec(host);
  if (!match || url.charAt(0) !== '/') return null;
  const port = httpsPort === 443 ? '' : ':' + httpsPort;
  return 'https://' + match[1].toLowerCase() + port + url;
}

const PAGE_STYLE =
  'body{font:17px/1.5 system-ui,sans-serif;margin:0 auto;max-width:40rem;' +
  'padding:1rem;color:#111;background:#fff}h1{font-size:1.5rem}' +
  'h2{font-size:1.15rem;margin-top:1.5rem}code{word-break:break-all;' +
  'background:#eef2f6;padding:0.1rem 0.3rem}a{color:#0046a8}' +
  '.download{display:inline-block;padding:0.5rem 0.9rem;margin:0.2rem 0;' +
  'background:#0046a8;color:#fff;border-radius:6px;text-decoration:none}';

/** Returns the trust steps per platform; `name` is the escaped CA name. */
function trustStepsHtml(name: string): string {
  return `<h2>iPhone and iPad (Safari)</h2>
<ol>
<li><a class="download" href="/energy-logger-ca.mobileconfig">Download
the profile</a> and tap Allow.</li>
<li>Open Settings &gt; General &gt; VPN &amp; Device Management, tap the
profile and Install.</li>
<li>Turn on full trust for ${name} under Settings &gt; General &gt; About
&gt; Certificate Trust Settings. Safari does not trust the CA for websites
until this switch is on.</li>
</ol>
<h2>Android (Chrome)</h2>
<ol>
<li><a class="download" href="/ca.cer">Download ca.cer</a></li>
<li>Open Settings &gt; Security &gt; Encryption &amp; credentials &gt;
Install a certificate &gt; CA certificate and pick the file. Menu names
differ between vendors; search Settings for "CA certificate".</li>
</ol>
<h2>Computers</h2>
<ul>
<li>Windows (Edge, Chrome): open <a href="/ca.cer">ca.cer</a> &gt; Install
Certificate &gt; Current User &gt; Trusted Root Certification
Authorities.</li>
<li>macOS (Safari, Chrome): open <a href="/ca.crt">ca.crt</a> in Keychain
Access, then set Trust &gt; When using this certificate to Always
Trust.</li>
<li>Firefox: Settings &gt; Privacy &amp; Security &gt; Certificates &gt;
View Certificates &gt; Authorities &gt; Import <a href="/ca.crt">ca.crt</a>
and tick "Trust this CA to identify websites".</li>
<li>Linux (Chrome): <code>certutil -d sql:$HOME/.pki/nssdb -A -t C,, -n
"${name}" -i ca.crt</code></li>
</ul>
`;
}

/** Returns the certificate page; `appUrl` is where the app opens after. */
export function certificatePageHtml(ca: CaDownloads, appUrl: string): string {
  const name = escapeHtml(ca.commonName);
  const app = escapeHtml(appUrl);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Trust the energy logger certificate</title>
<style>${PAGE_STYLE}</style></head><body>
<h1>Trust the energy logger certificate</h1>
<p>The logger's app uses HTTPS with a certificate from its own certificate
authority (CA), named <strong>${name}</strong>. Install and trust this CA
once on each phone or computer. Then the app opens without a warning and
can be installed to the home screen.</p>
<p>Before you trust it, compare the SHA-256 fingerprint that your device
shows with this one:</p>
<p><code id="fingerprint">${escapeHtml(ca.fingerprint256)}</code></p>
${trustStepsHtml(name)}<h2>Then open the app</h2>
<p><a class="download" id="app-link" href="${app}">${app}</a></p>
</body></html>
`;
}

function sendBytes(
  res: ServerResponse,
  type: string,
  body: string | Uint8Array,
  fileName?: string,
): void {
  const headers: Record<string, string> = {
    'Content-Type': type,
    'Cache-Control': 'no-cache',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  };
  if (type.indexOf('text/html') === 0) {
    headers['X-Frame-Options'] = 'DENY';
    headers['Content-Security-Policy'] = "frame-ancestors 'none'";
  }
  if (fileName) {
    headers['Content-Disposition'] = 'attachment; filename="' + fileName + '"';
  }
  res.writeHead(200, headers);
  res.end(body);
}

/**
 * Serves a certificate route; returns false for any other request. `appUrl`
 * gives the app's address for the page's last link.
 */
export function serveCertificateRoute(
  req: ServerRequest,
  res: ServerResponse,
  ca: CaDownloads,
  appUrl: (req: ServerRequest) => string,
): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const path = splitUrl(req.url).path;
  if (path === CERTIFICATE_PAGE_PATH || path === '/ca') {
    const html = certificatePageHtml(ca, appUrl(req));
    sendBytes(res, 'text/html; charset=utf-8', html);
  } else if (path === '/ca.crt') {
    sendBytes(res, CA_CERT_TYPE, ca.pem, 'ca.crt');
  } else if (path === '/ca.cer') {
    sendBytes(res, CA_CERT_TYPE, ca.der, 'ca.cer');
  } else if (path === '/energy-logger-ca.mobileconfig') {
    const file = 'energy-logger-ca.mobileconfig';
    sendBytes(res, PROFILE_TYPE, ca.mobileconfig, file);
  } else {
    return false;
  }
  return true;
}

/** Adds the certificate routes in front of the app's handler. */
export function withCertificateRoutes(
  handler: RequestHandler,
  ca: CaDownloads,
): RequestHandler {
  return (req, res) => {
    if (!serveCertificateRoute(req, res, ca, () => '/')) handler(req, res);
  };
}

/**
 * The plain-HTTP handler: the certificate routes, and a 308 redirect to the
 * HTTPS port for everything else. The redirect is sent with `no-store`, so
 * browsers do not keep it when HTTPS is later turned off.
 */
export function createHttpsRedirectHandler(
  ca: CaDownloads,
  httpsPort: number,
): RequestHandler {
  const appUrl = (req: ServerRequest) =>
    httpsLocation(req.headers['host'], httpsPort, '/') || '/';
  return (req, res) => {
    if (serveCertificateRoute(req, res, ca, appUrl)) return;
    const location = httpsLocation(req.headers['host'], httpsPort, req.url);
    if (!location) {
      const message =
        'missing or invalid Host header: ' +
        JSON.stringify(req.headers['host'] || '');
      sendFailure(res, { status: 400, message });
      return;
    }
    res.writeHead(308, {
      Location: location,
      'Cache-Control': 'no-store',
      'Content-Type': 'text/plain; charset=utf-8',
    });
    res.end('Moved to ' + location + '\n');
  };
}
