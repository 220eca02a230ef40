/**
 * Fault settings of the simulator and validation of fault patches.
 *
 * Persistent faults stay in force until changed. `counterReset` and `reboot`
 * are one-shot actions: they act once when a patch contains them and are not
 * stored.
 */

/** Measurement fields of `switch:0` that the `omitFields` fault can drop. */
export const OMITTABLE_FIELDS = ['voltage', 'current', 'temperature'] as const;
export type OmittableField = (typeof OMITTABLE_FIELDS)[number];

export interface FaultSettings {
  /**
   * Delay before each reply to `/shelly` and `/rpc` requests, in real
   * milliseconds: it uses timers, not the injectable simulator clock.
   */
  delayMs: number;
  /** No reply to `/shelly` and `/rpc` requests; their connections stay open. */
  noReply: boolean;
  /** HTTP 429 reply to every `/shelly` and `/rpc` request. */
  http429: boolean;
  /**
   * Minimum spacing between accepted requests in ms of the simulator clock.
   * A request that arrives sooner after the previous accepted one gets
   * HTTP 429. 0 disables it.
   */
  minIntervalMs: number;
  /** Relay tripped by overpower: output off, `errors: ["overpower"]`. */
  overpower: boolean;
  /** Clock not synced: null `unixtime`/`time`, no `by_minute`/`minute_ts`. */
  unsyncedClock: boolean;
  /** Measurement fields left out of `switch:0`. */
  omitFields: OmittableField[];
  /** Report `temperature.tC` and `temperature.tF` as null. */
  nullTemperature: boolean;
}

export interface FaultPatch extends Partial<FaultSettings> {
  /** One-shot: set `aenergy.total` back to 0 without an RPC call. */
  counterReset?: boolean;
  /** One-shot: restart uptime; see the `resetOnReboot` option. */
  reboot?: boolean;
}

/** Every key accepted in a fault patch. */
export const FAULT_NAMES = [
  'delayMs',
  'noReply',
  'http429',
  'minIntervalMs',
  'overpower',
  'unsyncedClock',
  'omitFields',
  'nullTemperature',
  'counterReset',
  'reboot',
] as const;

const BOOLEAN_FAULTS = new Set<string>([
  'noReply',
  'http429',
  'overpower',
  'unsyncedClock',
  'nullTemperature',
  'counterReset',
  'reboot',
]);

const MAX_DELAY_MS = 10 * 60_000;

export function defaultFaults(): FaultSettings {
  return {
    delayMs: 0,
    noReply: false,
    http429: false,
    minIntervalMs: 0,
    overpower: false,
    unsyncedClock: false,
    omitFields: [],
    nullTemperature: false,
  };
}

/**
 * Validates an untrusted fault patch, such as a parsed admin request body.
 * Throws an Error whose message names the invalid key.
 */
export function parseFaultPatch(value: unknown): FaultPatch {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error('Invalid fault patch: expected a JSON object');
  }
  const patch: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    patch[key] = parseFaultField(key, field);
  }
  return patch as FaultPatch;
}

function parseFaultField(key: string, field: unknown): unknown {
  if (BOOLEAN_FAULTS.has(key)) {
    if (typeof field !== 'boolean') {
      throw new Error(`Invalid fault '${key}': expected true or false`);
    }
    return field;
  }
  if (key === 'delayMs' || key === 'minIntervalMs') {
    const ok = Number.isFinite(field) && (field as number) >= 0;
    if (!ok || (field as number) > MAX_DELAY_MS) {
      throw new Error(
        `Invalid fault '${key}': expected milliseconds from 0 to ${MAX_DELAY_MS}`,
      );
    }
    return field;
  }
  if (key === 'omitFields') {
    return parseOmitFields(field);
  }
  throw new Error(
    `Unknown fault '${key}'; known faults: ${FAULT_NAMES.join(', ')}`,
  );
}

function parseOmitFields(field: unknown): OmittableField[] {
  const known: readonly string[] = OMITTABLE_FIELDS;
  const valid =
    Array.isArray(field) &&
    field.every((name) => typeof name === 'string' && known.includes(name));
  if (!valid) {
    throw new Error(
      `Invalid fault 'omitFields': expected an array of ${known.join(', ')}`,
    );
  }
  return Array.from(new Set(field as OmittableField[]));
}

/** Copies the persistent settings of `patch` onto `faults`. */
export function applyPersistentFaults(
  faults: FaultSettings,
  patch: FaultPatch,
): void {
  if (patch.delayMs !== undefined) faults.delayMs = patch.delayMs;
  if (patch.noReply !== undefined) faults.noReply = patch.noReply;
  if (patch.http429 !== undefined) faults.http429 = patch.http429;
  if (patch.minIntervalMs !== undefined) {
    faults.minIntervalMs = patch.minIntervalMs;
  }
  if (patch.unsyncedClock !== undefined) {
    faults.unsyncedClock = patch.unsyncedClock;
  }
  if (patch.omitFields !== undefined) {
    faults.omitFields = patch.omitFields.slice();
  }
  if (patch.nullTemperature !== undefined) {
    faults.nullTemperature = patch.nullTemperature;
  }
}
