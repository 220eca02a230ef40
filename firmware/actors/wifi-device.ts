/**
 * Wi-Fi actor for the device: the logger's own access point plus a station
 * on the plug's access point.
 *
 * - `scanning` looks for the plug's SSID to learn its channel (at most
 *   `scanTimeoutMs`). The ESP32-S3 runs both interfaces on one channel, so
 *   the access point starts on the plug's channel.
 * - `startingAp` starts the WPA2 access point (at most `apTimeoutMs`). Without
 *   a password of at least 8 characters no open access point is started.
 * - `joining` connects the station (at most `joinTimeoutMs`); `connected`
 *   watches for Espruino's `disconnected` event and checks the station's
 *   address every `checkMs`.
 * - Espruino retries a lost or failed station 3 times without telling, then
 *   gives up. Each failure here (error, timeout, loss) goes to `waiting`,
 *   which joins again after `backoffBaseMs * 2^(failures - 1)`, at most
 *   `backoffMaxMs`; the count resets once joined.
 * - Without a plug SSID the actor stays in `apOnly`.
 * - Emits `wifi.statusChanged` with the station and access point addresses
 *   on entering `joining`, `connected`, `waiting` and `apOnly`, and when an
 *   address changes while connected.
 */
import { assign, fromCallback, setup } from 'xstate';
import type { Bus } from '../bus/bus';
import type { Timers } from '../drivers/platform';
import type { Logger } from '../lib/logger';

/** Completion callbacks get null on success, else the reason. */
export type RadioCallback = (error: string | null) => void;

/**
 * The Wi-Fi radio as this actor drives it. Implementations report failures
 * through the callbacks instead of throwing.
 */
export interface WifiRadio {
  /** Scans; calls back with the channel of `ssid`, or null if not seen. */
  findChannel(
    ssid: string,
    done: (channel: number | null, error: string | null) => void,
  ): void;
  startAp(
    ssid: string,
    password: string,
    channel: number | null,
    done: RadioCallback,
  ): void;
  connect(ssid: string, password: string | null, done: RadioCallback): void;
  /** Adds a listener for the station giving up; returns its remover. */
  onDisconnected(listener: (reason: string) => void): () => void;
  stationIp(): string | null;
  /** Addresses of the interfaces that are up, the station's first. */
  addresses(): string[];
}

export interface WifiDeviceDeps {
  bus: Bus;
  log: Logger;
  timers: Timers;
  radio: WifiRadio;
  ap: { ssid: string; password: string | null };
  station: { ssid: string | null; password: string | null };
  scanTimeoutMs: number;
  apTimeoutMs: number;
  joinTimeoutMs: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  checkMs: number;
}

interface Context {
  deps: WifiDeviceDeps;
  channel: number | null;
  apUp: boolean;
  failures: number;
}

type Event =
  | { type: 'SCANNED'; channel: number | null }
  | { type: 'AP_STARTED' }
  | { type: 'AP_FAILED'; reason: string }
  | { type: 'JOINED' }
  | { type: 'JOIN_FAILED'; reason: string }
  | { type: 'LOST'; reason: string }
  | { type: 'ADDRESSES' };

/** WPA2 needs a passphrase of 8 to 63 characters. */
function hasApPassword(deps: WifiDeviceDeps): boolean {
  const password = deps.ap.password;
  return password !== null && password.length >= 8 && password.length <= 63;
}

export function backoffMs(deps: WifiDeviceDeps, failures: number): number {
  const exponent = Math.max(0, failures - 1);
  return Math.min(
    deps.backoffMaxMs,
    deps.backoffBaseMs * Math.pow(2, exponent),
  );
}

const scan = fromCallback<Event, WifiDeviceDeps>(({ input, sendBack }) => {
  const ssid = input.station.ssid as string;
  input.radio.findChannel(ssid, (channel, error) => {
    if (error) input.log.warn('scan failed', { error });
    sendBack({ type: 'SCANNED', channel });
  });
});

const startAp = fromCallback<Event, Context>(({ input, sendBack }) => {
  const deps = input.deps;
  const password = deps.ap.password as string;
  deps.radio.startAp(deps.ap.ssid, password, input.channel, (error) => {
    if (error) sendBack({ type: 'AP_FAILED', reason: error });
    else sendBack({ type: 'AP_STARTED' });
  });
});

const join = fromCallback<Event, WifiDeviceDeps>(({ input, sendBack }) => {
  const ssid = input.station.ssid as string;
  input.radio.connect(ssid, input.station.password, (error) => {
    if (error) sendBack({ type: 'JOIN_FAILED', reason: error });
    else sendBack({ type: 'JOINED' });
  });
});

const watch = fromCallback<Event, WifiDeviceDeps>(({ input, sendBack }) => {
  let last = input.radio.addresses().join(',');
  let timer: unknown = null;
  const check = () => {
    timer = null;
    if (!input.radio.stationIp()) {
      sendBack({ type: 'LOST', reason: 'station has no IP address' });
      return;
    }
    const now = input.radio.addresses().join(',');
    if (now !== last) sendBack({ type: 'ADDRESSES' });
    last = now;
    timer = input.timers.setTimeout(check, input.checkMs);
  };
  const remove = input.radio.onDisconnected((reason) =>
    sendBack({ type: 'LOST', reason }),
  );
  timer = input.timers.setTimeout(check, input.checkMs);
  return () => {
    remove();
    if (timer !== null) input.timers.clearTimeout(timer);
  };
});

/** Fields logged with every message of this actor. */
function logFields(ctx: Context, reason?: string): Record<string, unknown> {
  return {
    reason,
    failures: ctx.failures,
    apSsid: ctx.deps.ap.ssid,
    stationSsid: ctx.deps.station.ssid,
    channel: ctx.channel,
  };
}

function reasonOf(event: Event): string {
  return (event as { reason?: string }).reason || '';
}

export const wifiDeviceMachine = setup({
  types: {} as { context: Context; events: Event; input: WifiDeviceDeps },
  actors: { scan, startAp, join, watch },
  guards: {
    hasStation: ({ context }) => context.deps.station.ssid !== null,
    canStartAp: ({ context }) => hasApPassword(context.deps),
    needsAp: ({ context }) => !context.apUp && hasApPassword(context.deps),
  },
  actions: {
    storeChannel: assign({
      channel: ({ event }) => (event as { channel: number | null }).channel,
    }),
    markApUp: assign({ apUp: true }),
    countFailure: assign({ failures: ({ context }) => context.failures + 1 }),
    resetFailures: assign({ failures: 0 }),
    info: ({ context }, msg: string) =>
      context.deps.log.info(msg, logFields(context)),
    warn: ({ context, event }, msg: string) =>
      context.deps.log.warn(msg, logFields(context, reasonOf(event))),
    error: ({ context }, msg: string) =>
      context.deps.log.error(msg, logFields(context)),
    report: ({ context }, state: string) => {
      const deps = context.deps;
      const ips = deps.radio.addresses();
      const ssid = state === 'connected' ? deps.station.ssid : null;
      deps.bus.emit('wifi.statusChanged', { state, ips, ssid });
    },
  },
  delays: {
    scanTimeout: ({ context }) => context.deps.scanTimeoutMs,
    apTimeout: ({ context }) => context.deps.apTimeoutMs,
    joinTimeout: ({ context }) => context.deps.joinTimeoutMs,
    backoff: ({ context }) => backoffMs(context.deps, context.failures),
  },
}).createMachine({
  id: 'wifiDevice',
  context: ({ input }) => ({
    deps: input,
    channel: null,
    apUp: false,
    failures: 0,
  }),
  initial: 'starting',
  states: {
    starting: {
      always: [{ guard: 'hasStation', target: 'scanning' }, { target: 'ap' }],
    },
    scanning: {
      invoke: { src: 'scan', input: ({ context }) => context.deps },
      on: { SCANNED: { target: 'ap', actions: 'storeChannel' } },
      after: {
        scanTimeout: {
          target: 'ap',
          actions: { type: 'warn', params: 'scan timed out' },
        },
      },
    },
    ap: {
      always: [
        { guard: 'canStartAp', target: 'startingAp' },
        {
          target: 'afterAp',
          actions: {
            type: 'error',
            params:
              'access point not started: ap.password needs 8 to 63 characters',
          },
        },
      ],
    },
    startingAp: {
      invoke: { src: 'startAp', input: ({ context }) => context },
      on: {
        AP_STARTED: {
          target: 'afterAp',
          actions: [
            'markApUp',
            { type: 'info', params: 'access point started' },
          ],
        },
        AP_FAILED: {
          target: 'afterAp',
          actions: { type: 'warn', params: 'access point failed to start' },
        },
      },
      after: {
        apTimeout: {
          target: 'afterAp',
          actions: { type: 'warn', params: 'access point start timed out' },
        },
      },
    },
    afterAp: {
      always: [
        { guard: 'hasStation', target: 'joining' },
        { target: 'apOnly' },
      ],
    },
    apOnly: { entry: { type: 'report', params: 'apOnly' } },
    joining: {
      entry: { type: 'report', params: 'connecting' },
      invoke: { src: 'join', input: ({ context }) => context.deps },
      on: {
        JOINED: { target: 'connected', actions: 'resetFailures' },
        JOIN_FAILED: {
          target: 'waiting',
          actions: [
            'countFailure',
            { type: 'warn', params: 'joining the plug network failed' },
          ],
        },
      },
      after: {
        joinTimeout: {
          target: 'waiting',
          actions: [
            'countFailure',
            { type: 'warn', params: 'joining timed out' },
          ],
        },
      },
    },
    connected: {
      entry: [
        { type: 'report', params: 'connected' },
        { type: 'info', params: 'joined the plug network' },
      ],
      invoke: { src: 'watch', input: ({ context }) => context.deps },
      on: {
        ADDRESSES: { actions: { type: 'report', params: 'connected' } },
        LOST: {
          target: 'waiting',
          actions: [
            'countFailure',
            { type: 'warn', params: 'lost the plug network' },
          ],
        },
      },
    },
    waiting: {
      entry: [
        { type: 'report', params: 'disconnected' },
        { type: 'info', params: 'joining again after back-off' },
      ],
      after: {
        backoff: [
          { guard: 'needsAp', target: 'startingAp' },
          { target: 'joining' },
        ],
      },
    },
  },
});
