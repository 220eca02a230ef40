// The logger's status as the page last received it: the snapshot of
// `GET /api/status` or the first SSE `status` message, kept current by the
// bus events that follow. The last snapshot is saved in localStorage, so
// the installed app can show it when the logger is out of reach.

const SAVED_KEY = 'energy-logger:snapshot';
/** Transitions kept per machine, as many as the logger keeps. */
const TRANSITION_HISTORY = 20;
/** Minimum time between two saves of the snapshot, in ms. */
const SAVE_INTERVAL_MS = 5000;

export function createStore() {
  let snapshot = null;
  /** Logger time minus browser time, in ms. */
  let skewMs = 0;
  /** The reset-safe total at the start of the logger's current UTC day. */
  let dayStartWh = null;
  /** Browser time of the last snapshot or event, in ms. */
  let updatedAt = 0;
  let savedAt = 0;
  const listeners = [];

  function notify(name) {
    for (const listener of listeners) listener(name, snapshot);
  }

  function loggerNow() {
    return Date.now() + skewMs;
  }

  /** Replaces the whole status; `at` is the browser time it was taken. */
  function load(next, at = Date.now()) {
    snapshot = next;
    updatedAt = at;
    const loggerTime = Date.parse(next.clock.now);
    skewMs = isFinite(loggerTime) ? loggerTime - at : 0;
    const reading = next.plug.reading;
    dayStartWh =
      reading && reading.totalWh !== null && next.energyToday
        ? reading.totalWh - next.energyToday.wh
        : null;
    notify('status');
  }

  function onReading(p) {
    const s = snapshot;
    const day = new Date(p.ts).toISOString().slice(0, 10);
    if (!s.energyToday || s.energyToday.day !== day) {
      dayStartWh = p.totalWh;
    }
    if (p.totalWh !== null && dayStartWh !== null) {
      s.energyToday = { day, wh: p.totalWh - dayStartWh };
    }
    if (p.output !== null) s.plug.output = p.output;
    s.plug.reading = p;
  }

  function onTransition(p) {
    const machines = snapshot.machines;
    const entry = machines[p.machine] || { state: p.state, transitions: [] };
    machines[p.machine] = entry;
    entry.state = p.state;
    entry.transitions.push({ state: p.state, event: p.event, ts: loggerNow() });
    if (entry.transitions.length > TRANSITION_HISTORY) {
      entry.transitions.shift();
    }
  }

  function onClock(p) {
    skewMs += p.offsetMs - snapshot.clock.offsetMs;
    Object.assign(snapshot.clock, p);
  }

  /** Handlers that apply one bus event each to the snapshot. */
  const handlers = {
    'shelly.readingReceived': onReading,
    'shelly.linkChanged': (p) => {
      const plug = snapshot.plug;
      plug.link = p.link;
      plug.failures = p.failures;
      plug.retryInMs = p.retryInMs;
      if (p.error) plug.lastError = p.error;
    },
    'shelly.deviceIdentified': (p) => {
      snapshot.plug.device = p;
    },
    'shelly.outputSet': (p) => {
      snapshot.plug.output = p.on;
      // The relay switched, so an older command failure no longer applies.
      snapshot.lastCommandFailure = null;
    },
    'shelly.commandFailed': (p) => {
      snapshot.lastCommandFailure = { ...p, ts: loggerNow() };
    },
    'log.statusChanged': (p) => {
      snapshot.log = p;
    },
    'clock.statusChanged': onClock,
    'wifi.statusChanged': (p) => {
      snapshot.wifi = p;
    },
    'display.frameRendered': (p) => {
      snapshot.display = { lines: p.lines };
    },
    'led.colorChanged': (p) => {
      snapshot.led = p;
    },
    'server.clientsChanged': (p) => {
      snapshot.server.sseClients = p.sse;
    },
    'machine.transitioned': onTransition,
  };

  function apply(name, payload) {
    if (!snapshot || !handlers[name]) return;
    handlers[name](payload);
    updatedAt = Date.now();
    notify(name);
    if (updatedAt - savedAt > SAVE_INTERVAL_MS) save();
  }

  function save() {
    if (!snapshot) return;
    savedAt = Date.now();
    const record = { updatedAt, skewMs, snapshot };
    try {
      localStorage.setItem(SAVED_KEY, JSON.stringify(record));
    } catch (err) {
      // A full or disabled storage only costs the offline copy.
      console.warn('saving the last status failed', err);
    }
  }

  /** Loads the saved snapshot; returns its browser time, or 0 for none. */
  function restore() {
    let record = null;
    try {
      record = JSON.parse(localStorage.getItem(SAVED_KEY) || 'null');
    } catch (err) {
      console.warn('the saved status is unreadable', err);
    }
    if (!record || !record.snapshot || !record.snapshot.clock) return 0;
    load(record.snapshot, record.updatedAt);
    if (typeof record.skewMs === 'number') skewMs = record.skewMs;
    return record.updatedAt;
  }

  return {
    load,
    apply,
    save,
    restore,
    loggerNow,
    eventNames: Object.keys(handlers),
    get: () => snapshot,
    updatedAt: () => updatedAt,
    subscribe: (listener) => listeners.push(listener),
  };
}
