// Validation and normalization of the names a server certificate covers.
import { isIP } from 'node:net';
import type { SubjectAltNames } from './issue';

/** The address of the logger's own Wi-Fi access point, plus the host runtime's loopback names. */
export const DEFAULT_IPS = ['192.168.4.1', '127.0.0.1', '::1'];
export const DEFAULT_DNS_NAMES = ['localhost'];

const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const DNS_NAME = new RegExp(`^(?:\\*\\.)?${LABEL}(?:\\.${LABEL})*$`);

/** Returns the lower-case DNS name, or throws when it is not a valid host name. */
export function normalizeDnsName(name: string): string {
  const lower = name.trim().toLowerCase().replace(/\.$/, '');
  if (isIP(lower)) {
    throw new Error(`Invalid DNS name "${name}": it is an IP address.`);
  }
  if (lower.length > 253 || !DNS_NAME.test(lower)) {
    throw new Error(
      `Invalid DNS name "${name}": expected labels of a-z, 0-9 and "-", ` +
        'separated by dots, with an optional leading "*.".',
    );
  }
  return lower;
}

/** Returns the IP address in canonical form (compressed IPv6), or throws when it is invalid. */
export function normalizeIp(ip: string): string {
  const trimmed = ip.trim().replace(/^\[(.*)\]$/, '$1');
  const version = isIP(trimmed);
  if (version === 0) {
    throw new Error(`Invalid IP address "${ip}": expected IPv4 or IPv6.`);
  }
  if (trimmed.includes('%')) {
    throw new Error(
      `Invalid IP address "${ip}": a certificate cannot contain a zone ID.`,
    );
  }
  const host = version === 6 ? `[${trimmed}]` : trimmed;
  return new URL(`http://${host}/`).hostname.replace(/^\[(.*)\]$/, '$1');
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

/** Returns the defaults followed by the extra names and IPs, validated and without duplicates. */
export function requestedAltNames(
  names: string[] = [],
  ips: string[] = [],
): SubjectAltNames {
  return {
    dnsNames: unique([...DEFAULT_DNS_NAMES, ...names].map(normalizeDnsName)),
    ips: unique([...DEFAULT_IPS, ...ips].map(normalizeIp)),
  };
}

/** Returns the union of two SAN sets, keeping the order of the first. */
export function mergeAltNames(
  first: SubjectAltNames,
  second: SubjectAltNames,
): SubjectAltNames {
  return {
    dnsNames: unique([...first.dnsNames, ...second.dnsNames]),
    ips: unique([...first.ips, ...second.ips]),
  };
}
