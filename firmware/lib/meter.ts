/**
 * Reset-safe energy accounting over the plug's `aenergy.total` counter (Wh).
 *
 * The total is `offsetWh + counter`. When the counter goes down (reset by
 * `Switch.ResetCounters`, a factory reset, or a reboot on old firmware) the
 * last counter value before the drop is added to the offset and a new
 * segment starts, so the total never decreases. A missed poll is a gap: the
 * next reading's interval covers the whole gap, because the plug kept
 * counting. Intervals are never negative.
 */

export interface MeterState {
  offsetWh: number;
  lastCounterWh: number | null;
  segment: number;
}

export interface MeterStep {
  totalWh: number | null;
  intervalWh: number | null;
  segment: number;
  reset: boolean;
}

/** Counter drops smaller than this are rounding noise, not a reset. */
const NOISE_WH = 0.005;

export function createMeterState(): MeterState {
  return { offsetWh: 0, lastCounterWh: null, segment: 0 };
}

/** Continue from a logged row: its reset-safe total and the plug counter. */
export function restoreMeterState(
  totalWh: number,
  counterWh: number,
  segment: number,
): MeterState {
  return { offsetWh: totalWh - counterWh, lastCounterWh: counterWh, segment };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** Advance the state with one counter value; mutates and returns a step. */
export function stepMeter(
  state: MeterState,
  counterWh: number | null,
): MeterStep {
  const last = state.lastCounterWh;

  if (counterWh === null) {
    const known = last === null ? null : round3(state.offsetWh + last);
    return {
      totalWh: known,
      intervalWh: null,
      segment: state.segment,
      reset: false,
    };
  }

  if (last === null) {
    state.lastCounterWh = counterWh;
    const totalWh = round3(state.offsetWh + counterWh);
    return { totalWh, intervalWh: null, segment: state.segment, reset: false };
  }

  if (counterWh < last - NOISE_WH) {
    state.offsetWh += last;
    state.segment += 1;
    state.lastCounterWh = counterWh;
    const totalWh = round3(state.offsetWh + counterWh);
    return {
      totalWh,
      intervalWh: round3(counterWh),
      segment: state.segment,
      reset: true,
    };
  }

  const current = counterWh < last ? last : counterWh;
  state.lastCounterWh = current;
  return {
    totalWh: round3(state.offsetWh + current),
    intervalWh: round3(current - last),
    segment: state.segment,
    reset: false,
  };
}
