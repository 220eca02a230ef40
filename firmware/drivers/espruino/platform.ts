/**
 * Small capabilities on Espruino: timers, the host clock, SHA-256, and the
 * stand-in display and LED of boards that have none.
 */
import type { CryptoModule } from '../espruino';
import type {
  DisplayDriver,
  HostClock,
  LedDriver,
  Sha256Hex,
  Timers,
} from '../platform';

/**
 * Timers over the interpreter's own. On the device `Date.now()` counts
 * from power-on, because nothing sets the clock.
 * Espruino throws for `clearTimeout(undefined)` and clears every timer for
 * `clearTimeout()` (src/jswrap_interactive.c, 2v29), so a missing id is
 * skipped here.
 */
export const espruinoTimers: Timers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (id) => {
    if (id !== undefined && id !== null) clearTimeout(id as number);
  },
};

/**
 * The device has no NTP: the plug's `sys.unixtime` or the browser's clock
 * is the source, applied by the clock actor as an offset. There is no
 * `setTime`, because stepping the system clock would shift `Date.now()`
 * under the offsets already handed out.
 */
export const espruinoHostClock: HostClock = {
  isNtpSynced: () => false,
};

const HEX = '0123456789abcdef';

/** Formats bytes as lower-case hex. */
export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    out += HEX.charAt(bytes[i] >> 4) + HEX.charAt(bytes[i] & 15);
  }
  return out;
}

/**
 * SHA-256 over `require('crypto').SHA256`, which the ESP32-S3 and Linux
 * builds include (mbed TLS). It hashes the string's bytes: on the ESP32
 * build strings hold bytes, so text read from Storage hashes as UTF-8.
 */
export function createSha256Hex(crypto: CryptoModule): Sha256Hex {
  return (text) => toHex(new Uint8Array(crypto.SHA256(text)));
}

/** Creates a display for boards without one; frames still reach the web page. */
export function createNullDisplay(): DisplayDriver {
  return { show: () => undefined };
}

/** Creates an LED for boards without one; colours still reach the web page. */
export function createNullLed(): LedDriver {
  return { set: () => undefined };
}
