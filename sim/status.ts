/**
 * Response shapes of the simulated plug, matching the fields and units of a
 * Plus Plug S on firmware 1.1.0: power in W, voltage in V, current in A,
 * `aenergy.total` in Wh, `by_minute` entries in mWh, timestamps in Unix
 * seconds.
 */

import type { Device } from './device';
import { hashUnit } from './load-profile';

export const MODEL = 'SNPL-00112EU';
export const FIRMWARE_VERSION = '1.1.0';
export const FIRMWARE_ID = '20231219-134003/1.1.0-g34b5d4f';
export const APP = 'PlusPlugS';

type Json = Record<string, unknown>;

function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

export function deviceInfo(device: Device, authEnabled: boolean): Json {
  return {
    name: device.name,
    id: device.id,
    mac: device.mac,
    slot: 0,
    model: MODEL,
    gen: 2,
    fw_id: FIRMWARE_ID,
    ver: FIRMWARE_VERSION,
    app: APP,
    auth_en: authEnabled,
    auth_domain: authEnabled ? device.id : null,
  };
}

/** Builds `Switch.GetStatus` for id 0; call `device.sync()` first. */
export function switchStatus(device: Device, nowMs: number): Json {
  const omitted = new Set<string>(device.faults.omitFields);
  const status: Json = { id: 0, source: device.source, output: device.output };
  if (device.timer) {
    status.timer_started_at = round(device.timer.startedMs / 1000, 2);
    status.timer_duration = device.timer.durationS;
  }
  const apower = round(device.powerWatts(nowMs), 1);
  const voltage = round(device.voltage(nowMs), 1);
  status.apower = apower;
  if (!omitted.has('voltage')) {
    status.voltage = voltage;
  }
  if (!omitted.has('current')) {
    status.current = round(apower / voltage, 3);
  }
  status.aenergy = energyStatus(device);
  if (!omitted.has('temperature')) {
    status.temperature = temperatureStatus(device);
  }
  if (device.faults.overpower) {
    status.errors = ['overpower'];
  }
  return status;
}

function energyStatus(device: Device): Json {
  const energy: Json = { total: round(device.meter.totalWh, 3) };
  if (!device.faults.unsyncedClock) {
    energy.by_minute = device.meter.byMinute().map((mWh) => round(mWh, 3));
    energy.minute_ts = device.meter.minuteTs();
  }
  return energy;
}

function temperatureStatus(device: Device): Json {
  if (device.faults.nullTemperature) {
    return { tC: null, tF: null };
  }
  const celsius = device.temperatureC;
  return { tC: round(celsius, 1), tF: round(celsius * 1.8 + 32, 1) };
}

/** Builds `Sys.GetStatus`; call `device.sync()` first. */
export function sysStatus(device: Device, nowMs: number): Json {
  const synced = !device.faults.unsyncedClock;
  // Free memory wanders by a few KB every 10 s, as heap use does on a device.
  const wander = hashUnit(device.seed, 21, Math.floor(nowMs / 10_000));
  return {
    mac: device.mac,
    restart_required: false,
    time: synced ? formatUtcTime(nowMs) : null,
    unixtime: synced ? Math.floor(nowMs / 1000) : null,
    uptime: device.uptimeS(nowMs),
    ram_size: 246_680,
    ram_free: 140_000 + Math.round(wander * 6_000),
    fs_size: 458_752,
    fs_free: 180_224,
    cfg_rev: 10,
    kvs_rev: 0,
    schedule_rev: 0,
    webhook_rev: 0,
    available_updates: {},
    reset_reason: 3,
  };
}

// NOTE: a real plug formats `time` in its configured time zone; the
// simulator has no time zone setting and uses UTC.
function formatUtcTime(nowMs: number): string {
  const date = new Date(nowMs);
  const hours = String(date.getUTCHours()).padStart(2, '0');
  const minutes = String(date.getUTCMinutes()).padStart(2, '0');
  return `${hours}:${minutes}`;
}

/** Builds `Shelly.GetStatus`; call `device.sync()` first. */
export function fullStatus(
  device: Device,
  nowMs: number,
  staIp: string | null,
): Json {
  return {
    ble: {},
    cloud: { connected: false },
    mqtt: { connected: false },
    plugs_ui: {},
    'switch:0': switchStatus(device, nowMs),
    sys: sysStatus(device, nowMs),
    wifi: { sta_ip: staIp, status: 'got ip', ssid: 'SimulatedNet', rssi: -58 },
    ws: { connected: false },
  };
}
