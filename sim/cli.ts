/**
 * Runs the Plus Plug S simulator until SIGINT or SIGTERM.
 *
 *   npx tsx sim/cli.ts --port 8081 --password secret --time-scale 60
 */

import { parseArgs } from 'node:util';
import { startSimulator, type SimulatorOptions } from './server';

const HELP = `Usage: npx tsx sim/cli.ts [options]

Options:
  --host <address>     listen address (default 127.0.0.1)
  --port <port>        TCP port, 0 for any free port (default 8081)
  --password <text>    require digest auth for /rpc with user admin
  --seed <integer>     seed of the load profile (default 1)
  --time-scale <x>     run the load profile x times faster (default 1)
  --mac <12 hex>       MAC address; sets the device id
  --reset-on-reboot    clear the energy total on reboot, like old firmware
  -h, --help           print this help

Admin endpoints: GET /sim/state, POST /sim/fault, POST /sim/load.`;

function parseNumber(
  name: string,
  text: string | undefined,
): number | undefined {
  if (text === undefined) {
    return undefined;
  }
  const value = Number(text);
  if (!Number.isFinite(value)) {
    throw new Error(`Invalid --${name} '${text}': expected a number`);
  }
  return value;
}

function parseOptions(argv: string[]): SimulatorOptions | null {
  const { values } = parseArgs({
    args: argv,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      password: { type: 'string' },
      seed: { type: 'string' },
      'time-scale': { type: 'string' },
      mac: { type: 'string' },
      'reset-on-reboot': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    return null;
  }
  return {
    host: values.host,
    port: parseNumber('port', values.port) ?? 8081,
    password: values.password,
    seed: parseNumber('seed', values.seed),
    timeScale: parseNumber('time-scale', values['time-scale']),
    mac: values.mac,
    resetOnReboot: values['reset-on-reboot'] ?? false,
    log: (message) => console.error(`sim: ${message}`),
  };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (options === null) {
    console.log(HELP);
    return;
  }
  const sim = await startSimulator(options);
  const loopback = ['127.0.0.1', '::1', 'localhost'].includes(sim.host);
  if (!loopback) {
    console.error(
      `sim: warning: listening on ${sim.host}; the /sim/ admin endpoints ` +
        'need no password and are reachable from the network',
    );
  }
  const auth = options.password ? 'digest auth on' : 'no auth';
  console.log(`sim: ${sim.deviceId} listening on ${sim.url} (${auth})`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      return;
    }
    stopping = true;
    console.log(`sim: ${signal} received, stopping`);
    sim.stop().then(
      () => console.log('sim: stopped'),
      (error: unknown) => {
        console.error(`sim: stop failed: ${String(error)}`);
        process.exitCode = 1;
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`sim: ${message}`);
  process.exitCode = 1;
});
