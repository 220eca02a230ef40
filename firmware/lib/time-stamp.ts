/**
 * Stamps events with the trusted time: the local clock plus the offset the
 * clock actor last announced on the bus, with that offset's source.
 */
import type { Bus } from '../bus/bus';
import type { Timers } from '../drivers/platform';
import type { Stamp } from './poll-session';

export const FALLBACK_UNIX_MS = Date.UTC(2026, 0, 1);

export interface TimeStamper {
  stamp(): Stamp;
  dispose(): void;
}

export function createTimeStamper(bus: Bus, timers: Timers): TimeStamper {
  let offsetMs = FALLBACK_UNIX_MS - timers.now();
  let source: Stamp['source'] = 'fallback';

  function onStatus(status: {
    offsetMs: number;
    source: Stamp['source'];
  }): void {
    offsetMs = status.offsetMs;
    source = status.source;
  }
  bus.on('clock.statusChanged', onStatus);

  return {
    stamp: () => ({ ts: Math.round(timers.now() + offsetMs), source }),
    dispose: () => bus.off('clock.statusChanged', onStatus),
  };
}
