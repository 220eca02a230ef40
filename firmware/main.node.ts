/**
 * Command-line entry of the host runtime: `npm start [-- options]`.
 * Reads `secrets.json` when present; with no plug address it logs the
 * built-in plug simulator.
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { parseConfig, type Config } from './config';
import { startHost, type Host } from './host';
import { createLogger, formatRecord, type Level } from './lib/logger';

const USAGE = `Usage: npm start -- [options]
  --config FILE     settings file (default: secrets.json if it exists)
  --sd DIR          folder standing in for the SD card (default ./data/sd)
  --port N          plain-HTTP port: the certificate page and a redirect to
                    HTTPS, or the app with --no-https (default 8080; 0 picks
                    a free one)
  --https-port N    HTTPS port of the app (default 8443; 0 picks a free one)
  --no-https        serve the app over plain HTTP on --port only
  --host ADDR       web server address (default 127.0.0.1; 0.0.0.0 for the LAN)
  --plug ADDR       plug address, e.g. 192.168.33.1 (default: the simulator)
  --poll-ms N       poll interval in ms (default 1000)
  --log-level L     debug, info, warn or error (default info)`;

function readConfigFile(file: string | undefined): unknown {
  const chosen =
    file || (fs.existsSync('secrets.json') ? 'secrets.json' : null);
  if (!chosen) return {};
  try {
    return JSON.parse(fs.readFileSync(chosen, 'utf8'));
  } catch (err) {
    throw new Error('cannot read ' + chosen + ': ' + (err as Error).message);
  }
}

function buildConfig(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: 'string' },
      sd: { type: 'string' },
      port: { type: 'string' },
      'https-port': { type: 'string' },
      'no-https': { type: 'boolean' },
      host: { type: 'string' },
      plug: { type: 'string' },
      'poll-ms': { type: 'string' },
      'log-level': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });

  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }

  const raw = readConfigFile(values.config) as Record<string, unknown>;
  const config = parseConfig(raw);

  // Command-line options override the file; the result is checked again.
  if (values.sd) config.sdRoot = values.sd;
  if (values.port) config.http.port = Number(values.port);
  if (values['https-port']) config.https.port = Number(values['https-port']);
  if (values['no-https']) config.https.enabled = false;
  if (values.host) config.http.host = values.host;
  if (values.plug) config.plug.address = values.plug;
  if (values['poll-ms']) config.pollIntervalMs = Number(values['poll-ms']);
  if (values['log-level']) config.logLevel = values['log-level'] as Level;

  return parseConfig(config);
}

/** Prints where the app, the certificate page, the plug and the logs are. */
function printAddresses(host: Host, config: Config): void {
  console.log('\nWeb page: ' + host.urls.join('  '));
  if (host.certificateUrls.length > 0) {
    console.log(
      'Certificate page (trust the CA on each device first): ' +
        host.certificateUrls.join('  '),
    );
  }
  console.log(
    'Plug: ' +
      host.plugUrl +
      (host.simulator ? ' (simulator; admin at /sim/state)' : ''),
  );
  console.log('Logs: ' + config.sdRoot + '/logs\n');
}

async function main(): Promise<void> {
  let config;
  try {
    config = buildConfig(process.argv.slice(2));
  } catch (err) {
    console.error((err as Error).message + '\n\n' + USAGE);
    process.exit(2);
  }
  const log = createLogger((r) => {
    const line = new Date().toISOString() + ' ' + formatRecord(r);
    if (r.level === 'error' || r.level === 'warn') console.error(line);
    else console.log(line);
  }, config.logLevel);

  log.info('logger starting', {
    sdRoot: config.sdRoot,
    plug: config.plug.address || 'simulator',
  });
  const host = await startHost({ config, log });
  printAddresses(host, config);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('stopping', { signal });
    host.stop().then(
      () => process.exit(0),
      (err) => {
        log.error('stop failed', { error: (err as Error).message });
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err) => {
  console.error('logger failed to start: ' + ((err as Error).stack || err));
  process.exit(1);
});
