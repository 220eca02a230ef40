/**
 * Copies a bundle built with `ESPRUINO_MANGLE=0` and adds code that times
 * each poll cycle in the interpreter. A cycle runs from the start of the
 * HTTP request to the plug until the `shelly.readingReceived` emit has
 * returned, with the status store, log queue, SSE and display listeners.
 * It prints one line per cycle and a summary every 20 cycles:
 *
 *   ESPRUINO_MANGLE=0 ESPRUINO_OUT=/tmp/named.js npm run build
 *   node scripts/espruino-poll-timing.mjs /tmp/named.js /tmp/timed.js
 *   ESPRUINO_BIN=... npx tsx scripts/espruino-linux.ts --bundle /tmp/timed.js
 *
 * `POLL total=<ms> emit=<ms>`: `total` is the whole cycle, `emit` the
 * part spent in the bus listeners. The Linux build reads code from a file,
 * so these times are not the ESP32-S3's, which reads memory-mapped flash.
 */
import fs from 'node:fs';

const BUS_FROM = 'var bus=createBus(log.child("bus"));';
const BUS_TO = 'var bus=global.TIMED_BUS=createBus(log.child("bus"));';

const PROBE = `
;(function () {
  var http = require('http');
  var request = http.request;
  var started = 0, count = 0, sum = 0, max = 0, emitSum = 0, emitMax = 0;
  http.request = function (options, callback) {
    started = getTime();
    return request.call(http, options, callback);
  };
  var bus = global.TIMED_BUS;
  var emit = bus.emit;
  bus.emit = function (type, payload) {
    if (type !== 'shelly.readingReceived') return emit.call(bus, type, payload);
    var before = getTime();
    var result = emit.call(bus, type, payload);
    var done = getTime();
    var total = (done - started) * 1000, spent = (done - before) * 1000;
    count++; sum += total; emitSum += spent;
    if (total > max) max = total;
    if (spent > emitMax) emitMax = spent;
    print('POLL total=' + total.toFixed(1) + ' emit=' + spent.toFixed(1));
    if (count % 20 === 0) {
      print('POLL SUMMARY cycles=' + count + ' mean=' + (sum / count).toFixed(1) +
        ' max=' + max.toFixed(1) + ' emitMean=' + (emitSum / count).toFixed(1) +
        ' emitMax=' + emitMax.toFixed(1));
    }
    return result;
  };
})();
`;

const [input, output] = process.argv.slice(2);
if (!input || !output) {
  throw new Error('usage: espruino-poll-timing.mjs BUNDLE OUTPUT');
}
const code = fs.readFileSync(input, 'utf8');
if (!code.includes(BUS_FROM)) {
  throw new Error(
    `"${BUS_FROM}" not found in ${input}: build it with ESPRUINO_MANGLE=0`,
  );
}
fs.writeFileSync(output, code.replace(BUS_FROM, BUS_TO) + PROBE);
console.log(`wrote ${output}`);
