/**
 * Preloaded by `scripts/run-tests.mjs` for a second run of the machine
 * tests: compacts the seven device machines the way the device entry
 * does, so every machine test also runs against compacted definitions.
 */
import { clockMachine } from '../../firmware/actors/clock';
import { compactMachine } from '../../firmware/actors/compact-machine';
import { displayMachine } from '../../firmware/actors/display';
import { ledMachine } from '../../firmware/actors/led';
import { logQueueMachine } from '../../firmware/actors/log-queue';
import { serverMachine } from '../../firmware/actors/server';
import { shellyMachine } from '../../firmware/actors/shelly';
import { wifiDeviceMachine } from '../../firmware/actors/wifi-device';

[
  clockMachine,
  displayMachine,
  ledMachine,
  logQueueMachine,
  serverMachine,
  shellyMachine,
  wifiDeviceMachine,
].forEach(compactMachine);
