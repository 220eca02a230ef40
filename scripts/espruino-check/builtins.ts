/**
 * Built-ins the Espruino interpreter lacks, measured with `typeof` in the
 * interpreter built for Linux (2v29.277, 16383 variables). The global
 * names it has are in the rollup helpers, because the minifier needs them.
 */
export { ESPRUINO_GLOBALS } from '../rollup/espruino-names.mjs';

/** Pin names such as D39 or A0, which every board defines its own way. */
export const PIN_NAME = /^(D|A)\d{1,2}$/;

/** Static members that are missing, by owner. */
export const MISSING_STATICS: Record<string, string[]> = {
  Object: [
    'freeze',
    'seal',
    'preventExtensions',
    'isFrozen',
    'isSealed',
    'isExtensible',
    'getOwnPropertySymbols',
    'is',
    'hasOwn',
    'groupBy',
  ],
  Array: ['from', 'of'],
  Number: [
    'isFinite',
    'isInteger',
    'isNaN',
    'isSafeInteger',
    'parseFloat',
    'parseInt',
    'EPSILON',
    'MAX_SAFE_INTEGER',
    'MIN_SAFE_INTEGER',
  ],
  Math: [
    'trunc',
    'cbrt',
    'log2',
    'log10',
    'log1p',
    'expm1',
    'hypot',
    'fround',
    'imul',
    'clz32',
    'sinh',
    'cosh',
    'tanh',
    'asinh',
    'acosh',
    'atanh',
  ],
  Promise: ['allSettled', 'any', 'race', 'withResolvers'],
  String: ['fromCodePoint', 'raw'],
  Date: ['UTC'],
};

/**
 * Methods missing on arrays, strings, promises, numbers, dates or objects.
 * `keys`, `values`, `entries` and `lastIndexOf` are left out: arrays lack
 * them but strings or the Map and Set polyfills have them, and a checker
 * without types cannot tell the receivers apart.
 */
export const MISSING_METHODS = [
  'at',
  'flat',
  'flatMap',
  'findLast',
  'findLastIndex',
  'toReversed',
  'toSorted',
  'toSpliced',
  'copyWithin',
  'reduceRight',
  'codePointAt',
  'localeCompare',
  'matchAll',
  'normalize',
  'trimEnd',
  'trimStart',
  'finally',
  'toPrecision',
  'toExponential',
  'toLocaleString',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'setUTCHours',
];
