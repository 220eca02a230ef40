/** Node implementations of the small platform capabilities. */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import os from 'node:os';
import type {
  DisplayDriver,
  HostClock,
  LedDriver,
  Network,
  Sha256Hex,
  Timers,
} from '../platform';
import type { Logger } from '../../lib/logger';

export const nodeTimers: Timers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (id) => clearTimeout(id as NodeJS.Timeout),
};

export const sha256hex: Sha256Hex = (text) =>
  createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * Asks systemd's `timedatectl` whether NTP synchronised the clock. Where it
 * is missing (containers, non-systemd hosts), `trustWithoutCheck` decides.
 */
export function createHostClock(
  trustWithoutCheck: boolean,
  log: Logger,
): HostClock {
  let warned = false;
  return {
    isNtpSynced() {
      try {
        const out = execFileSync(
          'timedatectl',
          ['show', '-p', 'NTPSynchronized', '--value'],
          {
            encoding: 'utf8',
            stdio: ['ignore', 'pipe', 'ignore'],
            timeout: 2000,
          },
        );
        return out.trim() === 'yes';
      } catch {
        if (!warned) {
          log.info('timedatectl unavailable, host clock trust from config', {
            trusted: trustWithoutCheck,
          });
          warned = true;
        }
        return trustWithoutCheck;
      }
    },
  };
}

export function createNodeNetwork(): Network {
  return {
    addresses() {
      const out: string[] = [];
      const all = os.networkInterfaces();
      for (const name of Object.keys(all)) {
        for (const a of all[name] || []) {
          if (a.internal) continue;
          if (a.family === 'IPv6' && a.address.startsWith('fe80')) continue;
          out.push(a.address);
        }
      }
      return out;
    },
    ssid: () => null,
  };
}

/**
 * Create a display that only keeps the last frame, because the host has no
 * panel and the frame reaches the web page through the bus.
 */
export function createMemoryDisplay(): DisplayDriver & { lines: string[] } {
  const driver = {
    lines: [] as string[],
    show(lines: string[]) {
      driver.lines = lines.slice();
    },
  };
  return driver;
}

export function createMemoryLed(): LedDriver & {
  rgb: [number, number, number];
} {
  const driver = {
    rgb: [0, 0, 0] as [number, number, number],
    set(rgb: [number, number, number]) {
      driver.rgb = rgb;
    },
  };
  return driver;
}
