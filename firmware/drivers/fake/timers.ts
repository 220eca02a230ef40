/**
 * Simulated time for tests. It serves both as the injected `Timers` and as
 * XState's clock, so delayed transitions and driver timers advance together.
 * `advance` runs due timers in order and lets promise callbacks settle after
 * each one, so async work started by a timer finishes before the next fires.
 */
import type { Timers } from '../platform';

interface Pending {
  id: number;
  at: number;
  fn: () => void;
}

export interface FakeTimers extends Timers {
  advance(ms: number): Promise<void>;
  /** Let pending promise callbacks run without moving time. */
  settle(): Promise<void>;
  pendingCount(): number;
}

function macrotask(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export function createFakeTimers(
  startMs = Date.UTC(2026, 5, 1, 12),
): FakeTimers {
  let now = startMs;
  let nextId = 1;
  let pending: Pending[] = [];

  async function settle(): Promise<void> {
    for (let i = 0; i < 5; i++) await macrotask();
  }

  function takeDue(until: number): Pending | null {
    let best: Pending | null = null;
    for (const p of pending) {
      if (
        p.at <= until &&
        (best === null ||
          p.at < best.at ||
          (p.at === best.at && p.id < best.id))
      ) {
        best = p;
      }
    }
    if (best) pending = pending.filter((p) => p !== best);
    return best;
  }

  return {
    now: () => now,
    setTimeout(fn, ms) {
      const id = nextId++;
      pending.push({ id, at: now + Math.max(0, ms), fn });
      return id;
    },
    clearTimeout(id) {
      pending = pending.filter((p) => p.id !== id);
    },
    async advance(ms) {
      const target = now + ms;
      await settle();
      for (let due = takeDue(target); due; due = takeDue(target)) {
        now = Math.max(now, due.at);
        due.fn();
        await settle();
      }
      now = target;
    },
    settle,
    pendingCount: () => pending.length,
  };
}
