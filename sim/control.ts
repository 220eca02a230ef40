/** Programmatic control of a running simulator, shared by the admin API. */

import type { Device } from './device';
import {
  applyPersistentFaults,
  defaultFaults,
  parseFaultPatch,
  type FaultPatch,
  type FaultSettings,
} from './faults';
import type { RequestGate } from './gate';

export interface SimulatorState {
  deviceId: string;
  output: boolean;
  source: string;
  /** Power through the relay now, in W. */
  apowerW: number;
  /** Load forced by `setLoad`, or null when the profile drives the load. */
  forcedLoadW: number | null;
  totalWh: number;
  uptimeS: number;
  temperatureC: number;
  authEnabled: boolean;
  faults: FaultSettings;
  /** Device requests being handled now, hung `noReply` requests included. */
  inFlight: number;
  /** Device requests received since the start, rejected ones included. */
  requestCount: number;
}

export interface SimulatorControl {
  state(): SimulatorState;
  /** Validates and applies a fault patch; throws Error on an invalid one. */
  setFault(patch: FaultPatch): SimulatorState;
  /** Sets every persistent fault back to its default and unlocks overpower. */
  clearFaults(): SimulatorState;
  /** Forces a constant load in W, or returns to the profile with null. */
  setLoad(watts: number | null): void;
  /** Sets the energy counters to zero; returns the total in Wh before. */
  resetCounters(): number;
  /** Restarts uptime; keeps the total unless `resetOnReboot` is set. */
  reboot(): void;
}

function snapshotState(
  device: Device,
  gate: RequestGate,
  authEnabled: boolean,
): SimulatorState {
  const nowMs = device.sync();
  return {
    deviceId: device.id,
    output: device.output,
    source: device.source,
    apowerW: device.powerWatts(nowMs),
    forcedLoadW: device.forcedLoadW,
    totalWh: device.meter.totalWh,
    uptimeS: device.uptimeS(nowMs),
    temperatureC: device.temperatureC,
    authEnabled,
    faults: structuredClone(device.faults),
    inFlight: gate.inFlight,
    requestCount: gate.requestCount,
  };
}

export function createControl(
  device: Device,
  gate: RequestGate,
  authEnabled: boolean,
): SimulatorControl {
  const state = () => snapshotState(device, gate, authEnabled);

  const setFault = (patch: FaultPatch): SimulatorState => {
    const checked = parseFaultPatch(patch);
    device.sync();
    applyPersistentFaults(device.faults, checked);
    if (checked.overpower !== undefined) {
      device.setOverpower(checked.overpower);
    }
    if (checked.counterReset) {
      device.resetCounters();
    }
    if (checked.reboot) {
      device.reboot();
    }
    return state();
  };

  return {
    state,
    setFault,
    clearFaults: () => setFault({ ...defaultFaults() }),
    setLoad: (watts) => {
      if (watts !== null && !(Number.isFinite(watts) && watts >= 0)) {
        throw new Error(`Invalid load ${watts}: expected watts >= 0 or null`);
      }
      device.setLoad(watts);
    },
    resetCounters: () => device.resetCounters(),
    reboot: () => device.reboot(),
  };
}
