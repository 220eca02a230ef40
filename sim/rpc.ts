/**
 * RPC methods of the simulated plug and validation of their params.
 * Method names are matched case-sensitively.
 */

import type { Device } from './device';
import { RpcCode, RpcError } from './rpc-error';
import { deviceInfo, fullStatus, switchStatus, sysStatus } from './status';

export type RpcParams = Record<string, unknown>;

/** Request facts that some methods report. */
export interface RpcContext {
  authEnabled: boolean;
  /** Address reported as `wifi.sta_ip`. */
  staIp: string | null;
}

type Method = (
  device: Device,
  params: RpcParams,
  context: RpcContext,
) => unknown;

// A Map, not an object literal, so that names such as `constructor` or
// `__proto__` from a request cannot reach Object.prototype.
const METHODS = new Map<string, Method>([
  [
    'Shelly.GetDeviceInfo',
    (device, _p, ctx) => deviceInfo(device, ctx.authEnabled),
  ],
  [
    'Shelly.GetStatus',
    (device, _p, ctx) => fullStatus(device, device.sync(), ctx.staIp),
  ],
  ['Sys.GetStatus', (device) => sysStatus(device, device.sync())],
  ['Switch.GetStatus', getSwitchStatus],
  ['Switch.Set', setSwitch],
  ['Switch.Toggle', toggleSwitch],
  ['Switch.ResetCounters', resetCounters],
]);

/** Runs `method` and returns its result; throws RpcError on failure. */
export function callMethod(
  device: Device,
  method: string,
  params: unknown,
  context: RpcContext,
): unknown {
  const handler = METHODS.get(method);
  if (!handler) {
    throw new RpcError(RpcCode.noHandler, `No handler for ${method}`);
  }
  return handler(device, checkParams(params), context);
}

function checkParams(params: unknown): RpcParams {
  if (params === undefined || params === null) {
    return {};
  }
  if (typeof params !== 'object' || Array.isArray(params)) {
    throw new RpcError(
      RpcCode.invalidArgument,
      'Invalid params: expected an object',
    );
  }
  return params as RpcParams;
}

function invalidArgument(name: string): RpcError {
  return new RpcError(RpcCode.invalidArgument, `Invalid argument '${name}'`);
}

function requireSwitchId(params: RpcParams): void {
  const id = params.id;
  if (id === undefined) {
    throw new RpcError(RpcCode.invalidArgument, "Missing required 'id'");
  }
  if (typeof id !== 'number' || !Number.isInteger(id)) {
    throw invalidArgument('id');
  }
  if (id !== 0) {
    throw new RpcError(RpcCode.notFound, `Bad id=${id}`);
  }
}

function getSwitchStatus(device: Device, params: RpcParams): unknown {
  requireSwitchId(params);
  return switchStatus(device, device.sync());
}

function setSwitch(device: Device, params: RpcParams): unknown {
  requireSwitchId(params);
  const on = params.on;
  if (on === undefined) {
    throw new RpcError(RpcCode.invalidArgument, "Missing required 'on'");
  }
  if (typeof on !== 'boolean') {
    throw invalidArgument('on');
  }
  const toggleAfter = params.toggle_after;
  if (toggleAfter !== undefined && !isValidDelay(toggleAfter)) {
    throw invalidArgument('toggle_after');
  }
  return { was_on: device.setOutput(on, toggleAfter) };
}

// A timer longer than a year is as good as none, so larger values are
// rejected rather than kept as a deadline that never fires.
function isValidDelay(value: unknown): value is number {
  return (
    typeof value === 'number' &&
    Number.isFinite(value) &&
    value > 0 &&
    value <= 365 * 24 * 3600
  );
}

function toggleSwitch(device: Device, params: RpcParams): unknown {
  requireSwitchId(params);
  device.sync();
  return { was_on: device.setOutput(!device.output) };
}

function resetCounters(device: Device, params: RpcParams): unknown {
  requireSwitchId(params);
  const types = params.type;
  if (types !== undefined) {
    const valid =
      Array.isArray(types) && types.every((name) => name === 'aenergy');
    if (!valid) {
      throw invalidArgument('type');
    }
  }
  const totalWh = device.resetCounters();
  return { aenergy: { total: Math.round(totalWh * 1000) / 1000 } };
}
