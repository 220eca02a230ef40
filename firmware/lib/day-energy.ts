/**
 * Energy of the current UTC day: the reset-safe total minus the total at
 * the first reading of the day. Starts from a logged first row when the
 * logger restarts mid-day, else from the first reading it receives.
 */
export interface DayEnergy {
  day: string | null;
  startWh: number | null;
}

export function createDayEnergy(
  day: string | null = null,
  startWh: number | null = null,
): DayEnergy {
  return { day, startWh };
}

/** Update with a reading's timestamp and total; returns today's Wh or null. */
export function stepDayEnergy(
  state: DayEnergy,
  tsMs: number,
  totalWh: number | null,
): number | null {
  const day = new Date(tsMs).toISOString().slice(0, 10);
  if (day !== state.day) {
    state.day = day;
    state.startWh = totalWh;
  }
  if (totalWh === null) return null;
  if (state.startWh === null) state.startWh = totalWh;
  return Math.round((totalWh - state.startWh) * 1000) / 1000;
}
