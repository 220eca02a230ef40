/**
 * Energy counters of the simulated plug: the running total in Wh and the
 * energy of the last three completed wall-clock minutes in mWh.
 *
 * Minutes are aligned to UTC minutes of the simulator clock. Real firmware
 * versions differ in this alignment, so clients should account energy from
 * the total, as they must on a real plug.
 */

const MINUTE_MS = 60_000;
const MS_PER_HOUR = 3_600_000;
const KEPT_MINUTES = 3;

export class EnergyMeter {
  /** Accumulated active energy in Wh since the last counter reset. */
  totalWh = 0;
  /** Energy of completed minutes in mWh, newest first. */
  private completedMWh: number[] = [0, 0, 0];
  private minuteStartMs: number;
  private minuteMWh = 0;

  constructor(startMs: number) {
    this.minuteStartMs = floorToMinute(startMs);
  }

  /**
   * Adds a constant draw of `watts` from `fromMs` to `toMs`, closing every
   * minute boundary that the interval crosses.
   */
  add(fromMs: number, toMs: number, watts: number): void {
    let t = fromMs;
    while (t < toMs) {
      const boundary = this.minuteStartMs + MINUTE_MS;
      const end = Math.min(toMs, boundary);
      const wh = (watts * (end - t)) / MS_PER_HOUR;
      this.totalWh += wh;
      this.minuteMWh += wh * 1000;
      t = end;
      if (t >= boundary) {
        this.closeMinute();
      }
    }
  }

  /** Unix seconds at the start of the minute reported in `byMinute()[0]`. */
  minuteTs(): number {
    return (this.minuteStartMs - MINUTE_MS) / 1000;
  }

  /** Energy of the last three completed minutes in mWh, newest first. */
  byMinute(): number[] {
    return this.completedMWh.slice();
  }

  /** Sets the total and the minute counters to zero. */
  reset(): void {
    this.totalWh = 0;
    this.minuteMWh = 0;
    this.completedMWh = [0, 0, 0];
  }

  private closeMinute(): void {
    this.completedMWh.unshift(this.minuteMWh);
    this.completedMWh.length = KEPT_MINUTES;
    this.minuteMWh = 0;
    this.minuteStartMs += MINUTE_MS;
  }
}

function floorToMinute(ms: number): number {
  return Math.floor(ms / MINUTE_MS) * MINUTE_MS;
}
