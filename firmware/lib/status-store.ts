/**
 * The latest state of every actor, kept from the bus for `GET /api/status`
 * and for the first SSE message a browser receives. `snapshot()` returns
 * the store's own objects, not copies, so callers encode it before the next
 * bus event and do not change it.
 */
import type { Bus } from '../bus/bus';
import type { Events, PlugDevice, PlugLink, TimeSource } from '../bus/events';
import type { Timers } from '../drivers/platform';
import { createDayEnergy, stepDayEnergy } from './day-energy';
import { FALLBACK_UNIX_MS } from './time-stamp';

/** Transitions kept per machine unless `transitionHistory` is given. */
const TRANSITION_HISTORY = 20;

export interface LastReading {
  seq: number;
  ts: number;
  timeSource: TimeSource;
  powerW: number | null;
  voltageV: number | null;
  currentA: number | null;
  temperatureC: number | null;
  plugTotalWh: number | null;
  totalWh: number | null;
  /** The plug's `errors`, e.g. `overpower`; empty when it reports none. */
  errors: string[];
}

export interface MachineTransition {
  state: string;
  event: string;
  /** Trusted Unix time in ms when the transition was seen. */
  ts: number;
}

export interface StatusSnapshot {
  plug: {
    link: PlugLink | null;
    failures: number;
    retryInMs: number | null;
    lastError: { code: string; message: string } | null;
    device: PlugDevice | null;
    output: boolean | null;
    reading: LastReading | null;
  };
  energyToday: { day: string; wh: number } | null;
  wifi: Events['wifi.statusChanged'] | null;
  clock: {
    source: TimeSource;
    trusted: boolean;
    offsetMs: number;
    /** The trusted time when the snapshot was taken, ISO 8601 UTC. */
    now: string;
  };
  log: Events['log.statusChanged'] | null;
  led: Events['led.colorChanged'] | null;
  display: { lines: string[] } | null;
  machines: Record<string, { state: string; transitions: MachineTransition[] }>;
  server: { urls: string[]; sseClients: number };
  lastCommandFailure: (Events['shelly.commandFailed'] & { ts: number }) | null;
}

export interface StatusStore {
  /**
   * The current status as plain JSON, made of the store's own objects, so
   * encode it at once and do not change it. A deep copy cost Espruino about
   * 250 variables more at the peak of a request.
   */
  snapshot(): StatusSnapshot;
  /** Trusted Unix time in ms: the local clock plus the last clock offset. */
  now(): number;
  dispose(): void;
}

export interface StatusStoreOptions {
  bus: Bus;
  timers: Timers;
  /**
   * The reset-safe total at the first reading of `day` (UTC `YYYY-MM-DD`),
   * e.g. from today's first log row, so energy today survives a restart.
   */
  dayStart?: { day: string; startWh: number };
  /** Transitions kept per machine, 20 by default. */
  transitionHistory?: number;
}

type State = Omit<StatusSnapshot, 'clock' | 'energyToday'> & {
  clock: Events['clock.statusChanged'];
};

export function createStatusStore(options: StatusStoreOptions): StatusStore {
  const bus = options.bus;
  const timers = options.timers;
  const state: State = {
    plug: {
      link: null,
      failures: 0,
      retryInMs: null,
      lastError: null,
      device: null,
      output: null,
      reading: null,
    },
    wifi: null,
    clock: {
      source: 'fallback',
      trusted: false,
      offsetMs: FALLBACK_UNIX_MS - timers.now(),
    },
    log: null,
    led: null,
    display: null,
    machines: {},
    server: { urls: [], sseClients: 0 },
    lastCommandFailure: null,
  };
  // Energy today is totalWh minus the total at the day's first reading. It
  // restarts from zero when the logger starts, unless `dayStart` is given.
  const dayStart = options.dayStart;
  const maxTransitions = options.transitionHistory ?? TRANSITION_HISTORY;
  const dayEnergy = dayStart
    ? createDayEnergy(dayStart.day, dayStart.startWh)
    : createDayEnergy();
  let energyTodayWh: number | null = null;

  function now(): number {
    return Math.round(timers.now() + state.clock.offsetMs);
  }

  function onReading(reading: Events['shelly.readingReceived']): void {
    const previousDay = dayEnergy.day;
    const wh = stepDayEnergy(dayEnergy, reading.ts, reading.totalWh);
    // A reading without a total keeps today's figure, unless the day changed.
    if (wh !== null || dayEnergy.day !== previousDay) energyTodayWh = wh;
    if (reading.output !== null) state.plug.output = reading.output;
    state.plug.reading = {
      seq: reading.seq,
      ts: reading.ts,
      timeSource: reading.timeSource,
      powerW: reading.powerW,
      voltageV: reading.voltageV,
      currentA: reading.currentA,
      temperatureC: reading.temperatureC,
      plugTotalWh: reading.plugTotalWh,
      totalWh: reading.totalWh,
      errors: (reading.errors || []).slice(),
    };
  }

  function onTransition(change: Events['machine.transitioned']): void {
    let entry = state.machines[change.machine];
    if (!entry) {
      entry = { state: change.state, transitions: [] };
      state.machines[change.machine] = entry;
    }
    entry.state = change.state;
    entry.transitions.push({
      state: change.state,
      event: change.event,
      ts: now(),
    });
    if (entry.transitions.length > maxTransitions) entry.transitions.shift();
  }

  // A switch, because a map of handler closures costs Espruino about 100
  // variables more (measured on the Linux build, mangled bundle).
  function onAny(type: keyof Events, payload: unknown): void {
    const plug = state.plug;
    switch (type) {
      case 'shelly.readingReceived':
        onReading(payload as Events['shelly.readingReceived']);
        break;
      case 'shelly.linkChanged': {
        const p = payload as Events['shelly.linkChanged'];
        plug.link = p.link;
        plug.failures = p.failures;
        plug.retryInMs = p.retryInMs;
        // Keep the last error after the plug recovers, for diagnosis.
        if (p.error) plug.lastError = p.error;
        break;
      }
      case 'shelly.deviceIdentified':
        plug.device = payload as Events['shelly.deviceIdentified'];
        break;
      case 'shelly.outputSet':
        plug.output = (payload as Events['shelly.outputSet']).on;
        // The relay switched, so an older command failure no longer applies.
        state.lastCommandFailure = null;
        break;
      case 'shelly.commandFailed': {
        const p = payload as Events['shelly.commandFailed'];
        state.lastCommandFailure = {
          method: p.method,
          code: p.code,
          message: p.message,
          ts: now(),
        };
        break;
      }
      case 'log.statusChanged':
        state.log = payload as Events['log.statusChanged'];
        break;
      case 'clock.statusChanged':
        state.clock = payload as Events['clock.statusChanged'];
        break;
      case 'wifi.statusChanged':
        state.wifi = payload as Events['wifi.statusChanged'];
        break;
      case 'display.frameRendered':
        state.display = {
          lines: (payload as Events['display.frameRendered']).lines,
        };
        break;
      case 'led.colorChanged':
        state.led = payload as Events['led.colorChanged'];
        break;
      case 'server.started':
        state.server.urls = (payload as Events['server.started']).urls;
        break;
      case 'server.clientsChanged':
        state.server.sseClients = (
          payload as Events['server.clientsChanged']
        ).sse;
        break;
      case 'machine.transitioned':
        onTransition(payload as Events['machine.transitioned']);
        break;
    }
  }
  bus.onAny(onAny);

  function snapshot(): StatusSnapshot {
    const day = dayEnergy.day;
    return {
      plug: state.plug,
      energyToday:
        day !== null && energyTodayWh !== null
          ? { day, wh: energyTodayWh }
          : null,
      wifi: state.wifi,
      clock: {
        source: state.clock.source,
        trusted: state.clock.trusted,
        offsetMs: state.clock.offsetMs,
        now: new Date(now()).toISOString(),
      },
      log: state.log,
      led: state.led,
      display: state.display,
      machines: state.machines,
      server: state.server,
      lastCommandFailure: state.lastCommandFailure,
    };
  }

  return { snapshot, now, dispose: () => bus.offAny(onAny) };
}
