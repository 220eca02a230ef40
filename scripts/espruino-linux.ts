/**
 * Runs the device bundle in the Espruino interpreter built for Linux, from
 * its Storage ("flash"), the way the device runs it, and prints what it
 * printed plus `process.memory()` once a second:
 *
 *   ESPRUINO_BIN=/path/to/espruino npx tsx scripts/espruino-linux.ts \
 *     [--bundle dist/espruino/firmware.js] [--plug 127.0.0.1:18081] \
 *     [--port 8080] [--seconds 60] [--fake-wifi]
 *
 * The interpreter is not part of this project: build it from the Espruino
 * sources with BOARD=LINUX and VARIABLES=16383. Each run uses a fresh
 * temporary folder as the working directory, which contains `espruino.flash`
 * and the `sd` folder the logs go to.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

/** Copies files into Storage in 2 KB steps, so no large string is built. */
const STORE = `
var S = require('Storage');
function put(file, name) {
  var total = require('fs').statSync(file).size;
  var f = E.openFile(file, 'r'); S.erase(name);
  var off = 0, chunk;
  while ((chunk = f.read(2048)) && chunk.length) {
    S.write(name, chunk, off, total); off += chunk.length;
  }
  f.close();
}
put('firmware.js', '.bootcde');
put('secrets.json', 'secrets.json');
`;

/**
 * A stand-in for Espruino's `Wifi` module, which the Linux build lacks:
 * the scan finds the plug's network on channel 6, and the access point and
 * the station start after a short delay. With `--fake-wifi` the runner
 * prepends it to its copy of the bundle and turns on `wifi` in the Linux
 * board profile, so the device's Wi-Fi actor runs and counts in the memory
 * figures.
 */
const FAKE_WIFI = `Modules.addCached('Wifi', function () {
  var listeners = {};
  function later(fn) { setTimeout(fn, 200); }
  exports.scan = function (cb) {
    later(function () { cb([{ ssid: 'plug', channel: '6', rssi: -50 }]); });
  };
  exports.startAP = function (ssid, options, cb) { later(function () { cb(null); }); };
  exports.connect = function (ssid, options, cb) { later(function () { cb(null); }); };
  exports.on = function (name, fn) { listeners[name] = fn; };
  exports.removeListener = function (name, fn) {
    if (listeners[name] === fn) delete listeners[name];
  };
  exports.getIP = function () { return { ip: '127.0.0.1' }; };
  exports.getAPIP = function () { return { ip: '192.168.4.1' }; };
});
`;
const LINUX_NO_WIFI = 'name:"linux",wifi:false';

/** Prints the memory figures once a second after boot. */
const REPORT = `setInterval(function () {
  var m = process.memory();
  print('MEMORY usage=' + m.usage + ' free=' + m.free + ' total=' + m.total);
}, 1000);`;

function main(): void {
  const { values } = parseArgs({
    options: {
      bundle: { type: 'string', default: 'dist/espruino/firmware.js' },
      plug: { type: 'string', default: '127.0.0.1:18081' },
      port: { type: 'string', default: '8080' },
      seconds: { type: 'string', default: '60' },
      'fake-wifi': { type: 'boolean', default: false },
    },
  });
  const bin = process.env.ESPRUINO_BIN;
  if (!bin)
    throw new Error('set ESPRUINO_BIN to the interpreter built for Linux');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'espruino-linux-'));
  fs.mkdirSync(path.join(dir, 'sd'));
  let bundle = fs.readFileSync(values.bundle, 'utf8');
  if (values['fake-wifi']) {
    if (!bundle.includes(LINUX_NO_WIFI)) {
      throw new Error(`"${LINUX_NO_WIFI}" not found in ${values.bundle}`);
    }
    bundle =
      FAKE_WIFI + bundle.replace(LINUX_NO_WIFI, 'name:"linux",wifi:true');
  }
  fs.writeFileSync(path.join(dir, 'firmware.js'), bundle);
  const secrets: Record<string, unknown> = {
    plug: { address: values.plug },
    sdRoot: 'sd',
    http: { port: Number(values.port) },
    logLevel: 'info',
  };
  if (values['fake-wifi']) {
    secrets.ap = { ssid: 'QT-LOGGER', password: 'fake-wifi-only' };
    secrets.station = { ssid: 'plug', password: null };
  }
  fs.writeFileSync(path.join(dir, 'secrets.json'), JSON.stringify(secrets));
  fs.writeFileSync(path.join(dir, 'store.js'), STORE);
  execFileSync(bin, ['store.js'], {
    cwd: dir,
    stdio: ['pipe', 'ignore', 'inherit'],
  });

  // An open stdin with no data: at EOF the console would read garbage.
  const child = spawn(bin, ['-e', REPORT], {
    cwd: dir,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  child.stdout.setEncoding('latin1');
  child.stdout.on('data', (text: string) => {
    process.stdout.write(text.replace(/\r/g, '').replace(/\x1b\[J>?/g, ''));
  });
  setTimeout(() => child.kill('SIGKILL'), Number(values.seconds) * 1000);
  child.on('exit', () => console.log('\nrun folder: ' + dir));
}

main();
