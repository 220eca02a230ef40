/**
 * State of the simulated Plus Plug S: relay, timer, load, energy counters,
 * temperature and uptime.
 *
 * Nothing runs on timers. Every reading first calls `sync()`, which
 * integrates the draw from the last synced instant up to `now()`. The load
 * profile runs `timeScale` times faster than the clock, but energy, uptime
 * and temperature follow the clock itself, so `aenergy.total` always agrees
 * with the `apower` readings over time.
 */

import { EnergyMeter } from './meter';
import type { FaultSettings } from './faults';
import {
  createLoadProfile,
  hashSigned,
  type LoadProfile,
} from './load-profile';
import { RpcCode, RpcError } from './rpc-error';

export interface DeviceOptions {
  /** 12 hex digits, upper case. */
  mac: string;
  name: string | null;
  seed: number;
  /** Simulator clock in Unix milliseconds. */
  now: () => number;
  timeScale: number;
  resetOnReboot: boolean;
  powerLimitW: number;
  faults: FaultSettings;
}

/** A running `toggle_after` timer of the switch. */
interface SwitchTimer {
  startedMs: number;
  durationS: number;
}

const AMBIENT_C = 24;
// Self-heating model: ~30 °C idle (a real plug reports 32.1 °C at 2.7 W),
// plus 12 mK per watt, approached with a 10 min time constant.
const IDLE_RISE_C = 6;
const RISE_C_PER_W = 0.012;
const THERMAL_TAU_MS = 10 * 60_000;
const NOMINAL_V = 230;
// Profile samples are 1 s of profile time apart but at least 20 ms of clock
// time, which bounds the work per request at high time scales.
const PROFILE_STEP_MS = 1000;
const MIN_STEP_MS = 20;

export class Device {
  readonly id: string;
  readonly mac: string;
  readonly name: string | null;
  readonly faults: FaultSettings;
  readonly meter: EnergyMeter;
  readonly powerLimitW: number;
  readonly seed: number;
  output = true;
  source = 'init';
  /** Load forced by `setLoad`, or null when the profile drives the load. */
  forcedLoadW: number | null = null;
  temperatureC = AMBIENT_C + IDLE_RISE_C;
  bootMs: number;
  timer: SwitchTimer | null = null;
  private readonly options: DeviceOptions;
  private readonly profile: LoadProfile;
  private readonly startMs: number;
  private syncedMs: number;

  constructor(options: DeviceOptions) {
    this.options = options;
    this.mac = options.mac;
    this.id = `shellyplusplugs-${options.mac.toLowerCase()}`;
    this.name = options.name;
    this.faults = options.faults;
    this.powerLimitW = options.powerLimitW;
    this.seed = options.seed;
    this.profile = createLoadProfile(options.seed);
    this.startMs = options.now();
    this.bootMs = this.startMs;
    this.syncedMs = this.startMs;
    this.meter = new EnergyMeter(this.startMs);
  }

  /**
   * Integrates the state up to the current clock time and returns that time.
   * A clock that goes backwards integrates nothing until it passes the last
   * synced instant again.
   */
  sync(): number {
    const nowMs = this.options.now();
    while (this.syncedMs < nowMs) {
      const timerEnd = this.timer ? this.timerDeadline(this.timer) : Infinity;
      const end = Math.min(nowMs, timerEnd);
      this.integrate(this.syncedMs, end);
      this.syncedMs = end;
      if (end === timerEnd) {
        this.fireTimer();
      }
    }
    this.checkOverpower(this.loadWatts(nowMs));
    return nowMs;
  }

  /** Draw of the connected load in W, whether or not the relay is on. */
  loadWatts(atMs: number): number {
    if (this.forcedLoadW !== null) {
      return this.forcedLoadW;
    }
    return this.profile((atMs - this.startMs) * this.options.timeScale);
  }

  /** Active power through the relay in W. */
  powerWatts(atMs: number): number {
    return this.output ? this.loadWatts(atMs) : 0;
  }

  /** Mains voltage in V: 230 V with ±1.5 V noise and a drop under load. */
  voltage(atMs: number): number {
    const noise = 1.5 * hashSigned(this.seed, 11, Math.floor(atMs / 2000));
    return NOMINAL_V + noise - (0.8 * this.powerWatts(atMs)) / 1000;
  }

  uptimeS(atMs: number): number {
    return Math.max(0, Math.floor((atMs - this.bootMs) / 1000));
  }

  /**
   * Switches the relay and returns the previous state. `toggleAfterS`
   * starts a timer that flips the relay back; any earlier timer is dropped.
   * Throws -109 when switching on while overpower keeps the relay off.
   */
  setOutput(on: boolean, toggleAfterS?: number): boolean {
    const nowMs = this.sync();
    if (on && this.faults.overpower) {
      throw new RpcError(
        RpcCode.failedPrecondition,
        'Output is locked off by an overpower condition',
      );
    }
    const wasOn = this.output;
    this.output = on;
    this.source = 'HTTP_in';
    this.timer = toggleAfterS
      ? { startedMs: nowMs, durationS: toggleAfterS }
      : null;
    this.checkOverpower(this.loadWatts(nowMs));
    return wasOn;
  }

  /** Sets the counters to zero and returns the total in Wh before that. */
  resetCounters(): number {
    this.sync();
    const totalWh = this.meter.totalWh;
    this.meter.reset();
    return totalWh;
  }

  /** Restarts uptime; clears the total only with `resetOnReboot`. */
  reboot(): void {
    const nowMs = this.sync();
    this.bootMs = nowMs;
    this.source = 'init';
    this.timer = null;
    if (this.options.resetOnReboot) {
      this.meter.reset();
    }
  }

  /** Trips the relay off on `true`; `false` unlocks it but leaves it off. */
  setOverpower(active: boolean): void {
    this.sync();
    if (active) {
      this.trip();
    } else {
      this.faults.overpower = false;
    }
  }

  /** Forces a constant load in W, or returns to the profile with null. */
  setLoad(watts: number | null): void {
    this.sync();
    this.forcedLoadW = watts;
    this.checkOverpower(this.loadWatts(this.syncedMs));
  }

  timerDeadline(timer: SwitchTimer): number {
    return timer.startedMs + timer.durationS * 1000;
  }

  // Integrates [fromMs, toMs), during which the relay only changes by an
  // overpower trip.
  private integrate(fromMs: number, toMs: number): void {
    const constant = !this.output || this.forcedLoadW !== null;
    const scaledStep = PROFILE_STEP_MS / this.options.timeScale;
    const step = constant ? Infinity : Math.max(MIN_STEP_MS, scaledStep);
    let t = fromMs;
    while (t < toMs) {
      const end = Math.min(toMs, t + step);
      this.checkOverpower(this.loadWatts(t));
      const watts = this.powerWatts(t);
      this.meter.add(t, end, watts);
      this.relaxTemperature(watts, end - t);
      t = end;
    }
  }

  private relaxTemperature(watts: number, elapsedMs: number): void {
    const target = AMBIENT_C + IDLE_RISE_C + RISE_C_PER_W * watts;
    const weight = 1 - Math.exp(-elapsedMs / THERMAL_TAU_MS);
    this.temperatureC += (target - this.temperatureC) * weight;
  }

  private checkOverpower(loadW: number): void {
    if (this.output && loadW > this.powerLimitW) {
      this.trip();
    }
  }

  private trip(): void {
    this.output = false;
    this.timer = null;
    this.faults.overpower = true;
  }

  private fireTimer(): void {
    const target = !this.output;
    this.timer = null;
    if (target && this.faults.overpower) {
      return;
    }
    this.output = target;
    this.source = 'timer';
  }
}
