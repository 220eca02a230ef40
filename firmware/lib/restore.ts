/**
 * Continues the reset-safe energy total and today's energy from the SD log
 * at start, on the host and on the device alike.
 */
import type { FileStore } from '../drivers/storage';
import { readFirstRow, readLastRow } from './log-files';
import type { Logger } from './logger';
import { createMeterState, restoreMeterState, type MeterState } from './meter';

export interface Restored {
  meter: MeterState;
  /** The total at the first row of the last logged day. */
  dayStart: { day: string; startWh: number } | undefined;
}

/** Mount the card and read the last totals; a failure starts from zero. */
export function restoreFromLog(store: FileStore, log: Logger): Restored {
  try {
    store.mount();
    const row = readLastRow(store);
    if (row && row.total_Wh !== null && row.plug_total_Wh !== null) {
      const day = row.ts.slice(0, 10);
      const first = readFirstRow(store, day);
      const startWh =
        first && first.total_Wh !== null ? first.total_Wh : row.total_Wh;
      log.info('energy total restored from log', {
        totalWh: row.total_Wh,
        plugTotalWh: row.plug_total_Wh,
        dayStartWh: startWh,
        at: row.ts,
      });
      return {
        meter: restoreMeterState(
          row.total_Wh,
          row.plug_total_Wh,
          row.segment || 0,
        ),
        dayStart: { day, startWh },
      };
    }
  } catch (err) {
    log.warn('could not read the log to restore the total', {
      error: (err as Error).message,
    });
  }
  return { meter: createMeterState(), dayStart: undefined };
}
