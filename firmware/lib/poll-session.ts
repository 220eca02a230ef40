/**
 * Plain data shared by the plug poller across polls: the energy meter, the
 * sequence number and when the last good reading came. Kept outside XState
 * context because it changes on every reading, and an XState event costs
 * about a hundred bus emits on Espruino.
 */
import type { Reading, TimeSource } from '../bus/events';
import { stepMeter, type MeterState } from './meter';
import { parseSwitchStatus } from './plug-status';
import { ShellyError } from './shelly-client';

export interface Stamp {
  ts: number;
  source: TimeSource;
}

export interface PollSession {
  meter: MeterState;
  seq: number;
  /** Local clock (ms) of the last good reading, or null before the first. */
  lastLocalMs: number | null;
  /** True once a poll failed after the last good reading. */
  inGap: boolean;
}

export function createPollSession(meter: MeterState): PollSession {
  return { meter, seq: 0, lastLocalMs: null, inGap: false };
}

/** Turn one `Switch.GetStatus` result into a reading; throws `malformed`. */
export function buildReading(
  session: PollSession,
  raw: unknown,
  localMs: number,
  stamp: Stamp,
): Reading {
  const parsed = parseSwitchStatus(raw);
  if (!parsed.ok) throw new ShellyError('malformed', parsed.error);
  const status = parsed.value;
  const step = stepMeter(session.meter, status.counterWh);

  let gapS: number | null = null;
  if (session.inGap && session.lastLocalMs !== null) {
    gapS = Math.round((localMs - session.lastLocalMs) / 100) / 10;
  }
  session.inGap = false;
  session.lastLocalMs = localMs;
  session.seq += 1;

  return {
    seq: session.seq,
    ts: stamp.ts,
    timeSource: stamp.source,
    output: status.output,
    powerW: status.powerW,
    voltageV: status.voltageV,
    currentA: status.currentA,
    freqHz: status.freqHz,
    temperatureC: status.temperatureC,
    plugTotalWh: status.counterWh,
    lastMinuteMWh: status.lastMinuteMWh,
    minuteTs: status.minuteTs,
    errors: status.errors,
    totalWh: step.totalWh,
    intervalWh: step.intervalWh,
    segment: step.segment,
    gapS,
  };
}
