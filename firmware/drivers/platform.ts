/** Small capabilities every runtime provides. */

/** Timers and the local clock, injected so tests can run on fake time. */
export interface Timers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
}

export interface HostClock {
  /** True when the runtime's clock is kept right by NTP. */
  isNtpSynced(): boolean;
  /** Set the runtime's clock where that is possible (the device). */
  setTime?(unixMs: number): void;
}

export interface Network {
  /** Non-loopback IPv4 and IPv6 addresses of this machine. */
  addresses(): string[];
  ssid(): string | null;
}

export interface DisplayDriver {
  /** Show up to 8 lines of 21 characters (6x8 font on 128x64). */
  show(lines: string[]): void;
}

export interface LedDriver {
  set(rgb: [number, number, number]): void;
}

export type Sha256Hex = (text: string) => string;
