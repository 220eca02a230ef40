/**
 * A clock that runs `scale` times faster than the wall clock, shared by the
 * Espruino context and the plug simulator, so a test covers minutes of
 * simulated time in seconds.
 */
export interface ScaledClock {
  scale: number;
  /** Simulated Unix time in ms. */
  now(): number;
  /** Wall-clock ms for `ms` of simulated time. */
  toWall(ms: number): number;
}

export function createScaledClock(scale: number, startMs: number): ScaledClock {
  const wallStart = Date.now();
  return {
    scale,
    now: () => startMs + (Date.now() - wallStart) * scale,
    toWall: (ms) => Math.max(0, ms / scale),
  };
}
