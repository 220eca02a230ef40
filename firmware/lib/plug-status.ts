/**
 * Validation of the plug's `Switch.GetStatus` result. Every measurement field
 * is optional on real plugs (the Plus Plug S has no `freq`, and
 * `temperature.tC` can be null), so a missing field becomes null. A field
 * that is present with the wrong type makes the whole reply malformed.
 */

export interface SwitchStatus {
  output: boolean | null;
  powerW: number | null;
  voltageV: number | null;
  currentA: number | null;
  freqHz: number | null;
  temperatureC: number | null;
  counterWh: number | null;
  lastMinuteMWh: number | null;
  minuteTs: number | null;
  errors: string[];
}

export type ParseResult =
  { ok: true; value: SwitchStatus } | { ok: false; error: string };

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Read an optional finite number; throws a message when the type is wrong. */
function num(
  obj: Record<string, unknown>,
  key: string,
  path: string,
): number | null {
  const v = obj[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number' || !isFinite(v)) {
    throw new Error(
      path + key + ' is not a finite number: ' + JSON.stringify(v),
    );
  }
  return v;
}

function readEnergy(raw: Record<string, unknown>, out: SwitchStatus): void {
  const energy = raw.aenergy;
  if (energy === undefined || energy === null) return;
  if (!isObject(energy)) throw new Error('aenergy is not an object');
  out.counterWh = num(energy, 'total', 'aenergy.');
  if (out.counterWh !== null && out.counterWh < 0) {
    throw new Error('aenergy.total is negative: ' + out.counterWh);
  }
  out.minuteTs = num(energy, 'minute_ts', 'aenergy.');
  const byMinute = energy.by_minute;
  if (Array.isArray(byMinute) && byMinute.length > 0) {
    const first = byMinute[0];
    out.lastMinuteMWh =
      typeof first === 'number' && isFinite(first) ? first : null;
  }
}

export function parseSwitchStatus(raw: unknown): ParseResult {
  if (!isObject(raw)) {
    return { ok: false, error: 'Switch.GetStatus result is not an object' };
  }
  const out: SwitchStatus = {
    output: null,
    powerW: null,
    voltageV: null,
    currentA: null,
    freqHz: null,
    temperatureC: null,
    counterWh: null,
    lastMinuteMWh: null,
    minuteTs: null,
    errors: [],
  };
  try {
    if (raw.output !== undefined) {
      if (typeof raw.output !== 'boolean')
        throw new Error('output is not a boolean');
      out.output = raw.output;
    }
    out.powerW = num(raw, 'apower', '');
    out.voltageV = num(raw, 'voltage', '');
    out.currentA = num(raw, 'current', '');
    out.freqHz = num(raw, 'freq', '');
    if (isObject(raw.temperature))
      out.temperatureC = num(raw.temperature, 'tC', 'temperature.');
    readEnergy(raw, out);
    if (Array.isArray(raw.errors)) {
      out.errors = raw.errors.filter((e): e is string => typeof e === 'string');
    }
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
  return { ok: true, value: out };
}
