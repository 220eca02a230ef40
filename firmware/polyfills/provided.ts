/**
 * Names the polyfill prelude installs where the runtime lacks it. The bundle
 * checker allows these names, and a test checks that each is installed.
 */
export const POLYFILLED = {
  globals: ['Map', 'Set', 'WeakMap', 'AbortController'],
  members: ['Array.from', 'Date.UTC', 'Number.isNaN', 'Object.is'],
  methods: ['flat', 'flatMap'],
};
