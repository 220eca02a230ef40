/**
 * Builds the device bundle `dist/espruino/firmware.js`: one ES5 file for
 * the Espruino interpreter with the actors, bus, drivers, XState and mitt.
 *
 * TypeScript strips types and keeps ES2017 syntax; Babel (preset-env, not
 * loose) then compiles our code and XState and mitt, as installed in
 * node_modules, down to ES5. Two fixes come before and after Babel: labelled
 * loops are rewritten first, and function declarations are hoisted by hand
 * last. Then top-level functions that only boot code calls are set to
 * undefined after the last statement, to free their memory. Terser minifies without `compress`, which inlines code in ways that
 * rely on `var` hoisting. Espruino modules such as `http` and `fs` stay
 * `require()` calls. See docs/espruino.md for sizes and the reasons.
 *
 * Environment:
 * - ESPRUINO_ENTRY: entry module (default `firmware/main.espruino.ts`, or
 *   the probe entry while that file is missing).
 * - ESPRUINO_OUT: output file (default `dist/espruino/firmware.js`).
 * - ESPRUINO_MINIFY=0: keep the output readable, for debugging.
 * - ESPRUINO_MANGLE=0: minify but keep names, for readable stack traces.
 */
import fs from 'node:fs';
import path from 'node:path';
import { babel } from '@rollup/plugin-babel';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';
import dropXstateToJson from './scripts/rollup/drop-xstate-tojson.mjs';
import espruinoFixups from './scripts/rollup/espruino-fixups.mjs';
import polyfillFirst from './scripts/rollup/polyfill-first.mjs';
import releaseBootFunctions from './scripts/rollup/release-boot-functions.mjs';
import shareXstateSystem from './scripts/rollup/share-xstate-system.mjs';
import slimXstateLogic from './scripts/rollup/slim-xstate-logic.mjs';
import trimXstateSetup from './scripts/rollup/trim-xstate-setup.mjs';
import unlabelLoops from './scripts/rollup/unlabel-loops.mjs';
import {
  ESPRUINO_GLOBALS,
  ESPRUINO_MODULES,
  PIN_NAMES,
  RESERVED_NAMES,
} from './scripts/rollup/espruino-names.mjs';

const root = path.dirname(new URL(import.meta.url).pathname);

function chooseEntry() {
  if (process.env.ESPRUINO_ENTRY) return process.env.ESPRUINO_ENTRY;
  const device = path.join(root, 'firmware/main.espruino.ts');
  if (fs.existsSync(device)) return device;
  return path.join(root, 'scripts/espruino-probe-entry.ts');
}

const minify = process.env.ESPRUINO_MINIFY !== '0';
const mangle = process.env.ESPRUINO_MANGLE !== '0';

export default {
  input: chooseEntry(),
  external: ESPRUINO_MODULES,
  treeshake: { moduleSideEffects: (id) => !id.includes('node_modules') },
  output: {
    file: process.env.ESPRUINO_OUT || 'dist/espruino/firmware.js',
    format: 'cjs',
    strict: false,
    generatedCode: 'es5',
    sourcemap: false,
  },
  plugins: [
    polyfillFirst(path.join(root, 'firmware/polyfills/index.ts')),
    nodeResolve({ extensions: ['.ts', '.mjs', '.js'] }),
    typescript({
      tsconfig: path.join(root, 'tsconfig.json'),
      include: ['firmware/**/*.ts', 'scripts/**/*.ts'],
      compilerOptions: {
        target: 'ES2017',
        module: 'ESNext',
        noEmit: false,
        noCheck: true,
        declaration: false,
        sourceMap: false,
        removeComments: true,
      },
    }),
    unlabelLoops(),
    process.env.ESPRUINO_KEEP_TOJSON !== '1' && dropXstateToJson(),
    shareXstateSystem(),
    slimXstateLogic(),
    trimXstateSetup(),
    babel({
      babelHelpers: 'bundled',
      babelrc: false,
      configFile: false,
      extensions: ['.ts', '.js', '.mjs'],
      include: ['firmware/**', 'scripts/**', /node_modules[\\/](xstate|mitt)/],
      // Smaller classes with the same behaviour here: fields and methods
      // are plain assignments (Espruino ignores `enumerable: false`
      // anyway), and no check that a class is called with `new`.
      // Object spread and computed keys also assign (`Object.assign`) in
      // place of `defineProperty`. That is the same for the fresh plain
      // objects they build, and it drops four helpers and the closures
      // `_objectSpread2` made per call. Object rest ignores symbol keys,
      // which Espruino does not have.
      assumptions: {
        setPublicClassFields: true,
        setClassMethods: true,
        noClassCalls: true,
        superIsCallableConstructor: true,
        setSpreadProperties: true,
        setComputedProperties: true,
        objectRestNoSymbols: true,
      },
      presets: [
        [
          '@babel/preset-env',
          {
            targets: { ie: '11' },
            forceAllTransforms: true,
            modules: false,
            // Function names cost variables on Espruino, which has no
            // `Function.prototype.name`. Where a function uses a global of
            // its own name, as in `setTimeout: (f, ms) => setTimeout(f,
            // ms)`, this plugin also adds a wrapper and a `toString`
            // closure.
            exclude: ['transform-typeof-symbol', 'transform-function-name'],
          },
        ],
      ],
    }),
    espruinoFixups(),
    releaseBootFunctions(),
    minify &&
      terser({
        ecma: 5,
        compress: false,
        // Top-level names are globals on Espruino, so they must not take
        // the name of a built-in such as E, print or a pin.
        toplevel: mangle,
        mangle: mangle && {
          reserved: RESERVED_NAMES.concat(ESPRUINO_GLOBALS, PIN_NAMES),
        },
        // Espruino copies the whole source line into every error's stack,
        // even for caught errors, so one long line runs out of memory.
        format: { comments: false, ecma: 5, max_line_len: 100 },
      }),
  ],
};
