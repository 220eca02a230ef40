/** Shelly Plus Plug S simulator: see server.ts for the options. */

export { startSimulator } from './server';
export type { Simulator, SimulatorOptions, SimulatorState } from './server';
export type { FaultPatch, FaultSettings, OmittableField } from './faults';
export { FAULT_NAMES, OMITTABLE_FIELDS } from './faults';
export { createLoadProfile } from './load-profile';
