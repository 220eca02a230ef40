/**
 * Deterministic household load behind the simulated plug.
 *
 * The profile is a pure function of (seed, profile time): the same seed gives
 * the same watts at the same offset, whatever the order or spacing of calls.
 * Each appliance divides time into fixed windows and draws its schedule for
 * a window from a hash of (seed, appliance, window index), so no state is
 * kept between calls.
 */

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

/** Returns a number in [0, 1) derived from the seed and up to two indexes. */
export function hashUnit(seed: number, a: number, b = 0): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  h = mix32(h ^ Math.imul(a | 0, 0x85ebca6b));
  h = mix32(h ^ Math.imul(b | 0, 0xc2b2ae35));
  return h / 0x1_0000_0000;
}

/** Returns a number in [-1, 1) derived from the seed and up to two indexes. */
export function hashSigned(seed: number, a: number, b = 0): number {
  return hashUnit(seed, a, b) * 2 - 1;
}

// Murmur3 32-bit finalizer: spreads every input bit over the output.
function mix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

// Appliance ids keep the hash streams of the appliances independent.
const STANDBY = 1;
const FRIDGE = 2;
const KETTLE = 3;
const LAPTOP = 4;

/** Standby draw of the plugged-in devices: 1 to 3 W, changing every 10 s. */
function standbyWatts(seed: number, t: number): number {
  return 2 + hashSigned(seed, STANDBY, Math.floor(t / 10_000));
}

/**
 * Fridge compressor: in every 45 min window it runs once for 8 to 20 min,
 * starting near 120 W and settling towards 85 W.
 */
function fridgeWatts(seed: number, t: number): number {
  const windowMs = 45 * MINUTE_MS;
  const index = Math.floor(t / windowMs);
  const runMs = (8 + 12 * hashUnit(seed, FRIDGE, index * 3)) * MINUTE_MS;
  const startMs = hashUnit(seed, FRIDGE, index * 3 + 1) * (windowMs - runMs);
  const offset = t - index * windowMs - startMs;
  if (offset < 0 || offset >= runMs) {
    return 0;
  }
  const settle = Math.exp(-offset / (2 * MINUTE_MS));
  const ripple = 3 * hashSigned(seed, FRIDGE, Math.floor(t / 5_000));
  return 85 + 35 * settle + ripple;
}

/** Kettle: in half of the 3 h windows it boils once for 2 to 5 min at ~2 kW. */
function kettleWatts(seed: number, t: number): number {
  const windowMs = 3 * HOUR_MS;
  const index = Math.floor(t / windowMs);
  if (hashUnit(seed, KETTLE, index * 4) >= 0.5) {
    return 0;
  }
  const runMs = (2 + 3 * hashUnit(seed, KETTLE, index * 4 + 1)) * MINUTE_MS;
  const startMs = hashUnit(seed, KETTLE, index * 4 + 2) * (windowMs - runMs);
  const offset = t - index * windowMs - startMs;
  if (offset < 0 || offset >= runMs) {
    return 0;
  }
  return 1950 + 150 * hashUnit(seed, KETTLE, index * 4 + 3);
}

/**
 * Laptop charger: in 60 % of the 6 h windows it charges for 60 to 150 min,
 * tapering linearly from ~60 W to ~30 W.
 */
function laptopWatts(seed: number, t: number): number {
  const windowMs = 6 * HOUR_MS;
  const index = Math.floor(t / windowMs);
  if (hashUnit(seed, LAPTOP, index * 3) >= 0.6) {
    return 0;
  }
  const runMs = (60 + 90 * hashUnit(seed, LAPTOP, index * 3 + 1)) * MINUTE_MS;
  const startMs = hashUnit(seed, LAPTOP, index * 3 + 2) * (windowMs - runMs);
  const offset = t - index * windowMs - startMs;
  if (offset < 0 || offset >= runMs) {
    return 0;
  }
  const ripple = 2 * hashSigned(seed, LAPTOP, Math.floor(t / 3_000));
  return 60 - 30 * (offset / runMs) + ripple;
}

/** Power draw in watts at `profileMs` milliseconds after the profile start. */
export type LoadProfile = (profileMs: number) => number;

/** Creates the combined profile of standby, fridge, kettle and laptop. */
export function createLoadProfile(seed: number): LoadProfile {
  const s = seed >>> 0;
  return (profileMs: number): number => {
    const t = Math.max(0, profileMs);
    return (
      standbyWatts(s, t) +
      fridgeWatts(s, t) +
      kettleWatts(s, t) +
      laptopWatts(s, t)
    );
  };
}
