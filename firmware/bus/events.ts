/**
 * The one event map of the firmware. Every actor talks to the others only
 * through these events. Facts are named `domain.pastTenseFact`, commands
 * `domain.verb`. Payloads are plain JSON, because the web server forwards
 * every event to the browser over Server-Sent Events.
 */

/** Source of a row's timestamp, most trusted first. */
export type TimeSource = 'ntp' | 'plug' | 'browser' | 'fallback';

export type LogStatus = 'off' | 'idle' | 'writing' | 'ok' | 'error';

export type PlugLink = 'connecting' | 'online' | 'retrying' | 'unreachable';

/** One poll of `Switch.GetStatus`, with the reset-safe energy figures. */
export interface Reading {
  /** Poll sequence number since the logger started. */
  seq: number;
  /** Unix time in ms, stamped by the logger's clock when the reply came. */
  ts: number;
  timeSource: TimeSource;
  output: boolean | null;
  powerW: number | null;
  voltageV: number | null;
  currentA: number | null;
  freqHz: number | null;
  temperatureC: number | null;
  /** The plug's own `aenergy.total` counter in Wh; it resets. */
  plugTotalWh: number | null;
  /** The last completed minute of `aenergy.by_minute`, in mWh. */
  lastMinuteMWh: number | null;
  minuteTs: number | null;
  errors: string[];
  /** Reset-safe cumulative energy in Wh, summed over all segments. */
  totalWh: number | null;
  /** Energy since the previous reading in Wh; null after a gap or reset. */
  intervalWh: number | null;
  /** Counts counter resets seen since the total began. */
  segment: number;
  /** Seconds since the last reading when this one ends a gap, else null. */
  gapS: number | null;
}

export interface PlugDevice {
  id: string;
  model: string;
  gen: number;
  ver: string;
  authEnabled: boolean;
}

export interface FailureInfo {
  /** Short machine-readable cause: timeout, network, http429, auth, rpc. */
  code: string;
  message: string;
}

// A type alias, not an interface: mitt needs an implicit index signature.
export type Events = {
  'shelly.readingReceived': Reading;
  'shelly.linkChanged': {
    link: PlugLink;
    failures: number;
    retryInMs: number | null;
    error: FailureInfo | null;
  };
  'shelly.deviceIdentified': PlugDevice;
  'shelly.timeReceived': { unixtime: number | null };
  'shelly.setOutput': { on: boolean };
  'shelly.outputSet': { on: boolean; wasOn: boolean | null };
  'shelly.commandFailed': { method: string } & FailureInfo;

  'log.setEnabled': { enabled: boolean };
  'log.statusChanged': {
    status: LogStatus;
    queueLength: number;
    dropped: number;
    written: number;
    lastError: string | null;
    file: string | null;
  };

  'clock.set': { unixMs: number; source: 'browser' };
  'clock.statusChanged': {
    source: TimeSource;
    /** Add to the local clock to get the trusted time, in ms. */
    offsetMs: number;
    trusted: boolean;
  };

  'wifi.statusChanged': { state: string; ips: string[]; ssid: string | null };
  'display.frameRendered': { width: number; height: number; lines: string[] };
  'led.colorChanged': { rgb: [number, number, number]; reason: string };
  'server.started': { urls: string[] };
  'server.listenFailed': {
    attempt: number;
    /** The system error code, such as EADDRINUSE, when there is one. */
    code: string | null;
    message: string;
  };
  'server.clientsChanged': { sse: number };

  /** An actor's state value changed; drives the live statechart view. */
  'machine.transitioned': { machine: string; state: string; event: string };
  /** A bus listener threw; the other listeners still ran. */
  'system.errorReported': { source: string; message: string };
};

export type EventName = keyof Events;
