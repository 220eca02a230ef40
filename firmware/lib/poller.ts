/**
 * The plug's poll loop, outside XState so that a reading costs one bus emit
 * and no machine event. One request is in flight at a time: status polls,
 * clock reads and relay commands all wait for the previous request.
 */
import type { ShellyDeps } from '../actors/shelly';
import type { FailureInfo } from '../bus/events';
import { buildReading } from './poll-session';

export interface Poller {
  setOutput(on: boolean): void;
  stop(): void;
}

// These functions return plain promises, not `async` ones, because Babel
// compiles `async` to a generator runtime that costs variables on Espruino.
// The client's calls return promises and do not throw. The work after a
// call runs in a promise callback, so a throw there rejects the promise, as
// in an `async` function.

/** Poll `Switch.GetStatus` once and emit the reading. */
export function pollOnce(deps: ShellyDeps): Promise<void> {
  return deps.client.call('Switch.GetStatus', { id: 0 }).then((raw) => {
    const reading = buildReading(
      deps.session,
      raw,
      deps.timers.now(),
      deps.stamp(),
    );
    deps.bus.emit('shelly.readingReceived', reading);
  });
}

/** Read the plug's clock. A failure is only logged, because the next poll reports it. */
function syncTime(deps: ShellyDeps): Promise<void> {
  return deps.client.call('Sys.GetStatus', {}).then(
    (result) => {
      const sys = result as { unixtime?: unknown } | null;
      const t = sys && typeof sys.unixtime === 'number' ? sys.unixtime : null;
      deps.bus.emit('shelly.timeReceived', { unixtime: t });
    },
    (err) => {
      deps.log.warn('reading the plug clock failed', {
        error: (err as Error).message,
      });
    },
  );
}

function switchRelay(deps: ShellyDeps, on: boolean): Promise<void> {
  return deps.client
    .call('Switch.Set', { id: 0, on })
    .then((result) => {
      const res = result as { was_on?: unknown } | null;
      const wasOn = res && typeof res.was_on === 'boolean' ? res.was_on : null;
      deps.log.info('relay switched', { on, wasOn });
      deps.bus.emit('shelly.outputSet', { on, wasOn });
    })
    .catch((err) => {
      const e = err as { code?: string; message?: string };
      deps.log.warn('relay command failed', {
        on,
        code: e.code,
        error: e.message,
      });
      deps.bus.emit('shelly.commandFailed', {
        method: 'Switch.Set',
        code: e.code || 'error',
        message: e.message || String(err),
      });
    });
}

export function createPoller(
  deps: ShellyDeps,
  onFail: (error: FailureInfo) => void,
): Poller {
  const commands: boolean[] = [];
  let stopped = false;
  let busy = false;
  let timer: unknown = null;
  let lastTimeSync = -Infinity;

  /** Report relay commands that will not run because polling failed. */
  function rejectQueued(): void {
    while (commands.length > 0) {
      const on = commands.shift() as boolean;
      deps.log.warn('relay command dropped, plug unreachable', { on });
      deps.bus.emit('shelly.commandFailed', {
        method: 'Switch.Set',
        code: 'unreachable',
        message:
          'plug stopped answering; relay not switched ' + (on ? 'on' : 'off'),
      });
    }
  }

  function schedule(ms: number): void {
    if (stopped) return;
    timer = deps.timers.setTimeout(() => {
      timer = null;
      cycle();
    }, ms);
  }

  /** Sends the queued relay commands, then reads the clock when due, then polls. */
  function work(): Promise<void> {
    if (commands.length > 0 && !stopped) {
      return switchRelay(deps, commands.shift() as boolean).then(work);
    }
    if (stopped) return Promise.resolve();
    // The clock first, so that the first reading is stamped with the
    // plug's time when that is the best source.
    const now = deps.timers.now();
    if (now - lastTimeSync >= deps.timeSyncMs) {
      lastTimeSync = now;
      return syncTime(deps).then(() => (stopped ? undefined : pollOnce(deps)));
    }
    return pollOnce(deps);
  }

  function cycle(): void {
    const started = deps.timers.now();
    busy = true;
    new Promise<void>((resolve) => resolve(work())).then(
      () => {
        busy = false;
        const elapsed = deps.timers.now() - started;
        schedule(Math.max(0, deps.pollIntervalMs - elapsed));
      },
      (err) => {
        busy = false;
        if (stopped) return;
        stopped = true;
        rejectQueued();
        const e = err as { code?: string; message?: string };
        onFail({ code: e.code || 'error', message: e.message || String(err) });
      },
    );
  }

  const last = deps.session.lastLocalMs;
  const since = last === null ? Infinity : deps.timers.now() - last;
  schedule(Math.max(0, deps.pollIntervalMs - since));

  return {
    setOutput(on) {
      commands.push(on);
      if (busy || stopped || timer === null) return;
      deps.timers.clearTimeout(timer);
      timer = null;
      cycle();
    },
    stop() {
      stopped = true;
      rejectQueued();
      if (timer !== null) deps.timers.clearTimeout(timer);
      timer = null;
    },
  };
}
