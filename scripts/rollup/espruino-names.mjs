/** Names the Espruino build and its checker share. */

/** Modules built into the interpreter or loaded from its `modules/` folder. */
export const ESPRUINO_MODULES = [
  'Wifi',
  'http',
  'net',
  'tls',
  'fs',
  'Storage',
  'crypto',
  'heatshrink',
  'neopixel',
  'SSD1306',
  'MQTT',
  'TelnetServer',
];

/**
 * Words Espruino's parser treats as keywords (2v29), so they cannot name a
 * variable, parameter or function, although ES5 allows some of them.
 */
export const ESPRUINO_KEYWORDS = [
  'of',
  'static',
  'super',
  'extends',
  'class',
  'let',
  'const',
  'undefined',
  'debugger',
  'yield',
  'await',
  'async',
];

/**
 * Names the minifier must not produce: Espruino's keywords plus the words
 * ES5 reserves in strict mode.
 */
export const RESERVED_NAMES = ESPRUINO_KEYWORDS.concat([
  'enum',
  'implements',
  'interface',
  'package',
  'private',
  'protected',
  'public',
]);

/**
 * Global names of the interpreter, measured with `typeof` in the build for
 * Linux (2v29.277), plus the ESP32 build's own. The minifier must not give
 * top-level names these, and the checker allows code to use them.
 */
export const ESPRUINO_GLOBALS = [
  'Array',
  'ArrayBuffer',
  'ArrayBufferView',
  'Boolean',
  'DataView',
  'Date',
  'E',
  'Error',
  'Float32Array',
  'Float64Array',
  'Function',
  'Infinity',
  'Int16Array',
  'Int32Array',
  'Int8Array',
  'InternalError',
  'JSON',
  'Math',
  'Modules',
  'NaN',
  'Number',
  'Object',
  'Pin',
  'Promise',
  'ReferenceError',
  'RegExp',
  'Serial',
  'String',
  'SyntaxError',
  'TypeError',
  'Uint16Array',
  'Uint24Array',
  'Uint32Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'analogRead',
  'analogWrite',
  'atob',
  'btoa',
  'changeInterval',
  'clearInterval',
  'clearTimeout',
  'clearWatch',
  'decodeURIComponent',
  'digitalPulse',
  'digitalRead',
  'digitalWrite',
  'dump',
  'echo',
  'edit',
  'encodeURIComponent',
  'eval',
  'getPinMode',
  'getSerial',
  'getTime',
  'global',
  'globalThis',
  'isFinite',
  'isNaN',
  'load',
  'parseFloat',
  'parseInt',
  'peek16',
  'peek32',
  'peek8',
  'pinMode',
  'poke16',
  'poke32',
  'poke8',
  'print',
  'process',
  'require',
  'reset',
  'save',
  'setBusyIndicator',
  'setInterval',
  'setSleepIndicator',
  'setTime',
  'setTimeout',
  'setWatch',
  'shiftOut',
  'trace',
  'console',
  'Graphics',
  'SPI',
  'I2C',
  'OneWire',
  'Waveform',
  'url',
  'undefined',
  'arguments',
  // ESP32 builds only.
  'ESP32',
  'Serial1',
  'Serial2',
  'SPI1',
  'SPI2',
  'I2C1',
  'I2C2',
];

/** Pin names D0-D48 and A0-A7, reserved like the globals. */
export const PIN_NAMES = [];
for (let i = 0; i <= 48; i++) PIN_NAMES.push('D' + i);
for (let i = 0; i <= 7; i++) PIN_NAMES.push('A' + i);
