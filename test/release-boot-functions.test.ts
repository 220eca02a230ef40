/**
 * The build step that frees top-level functions only boot code calls, on
 * small scripts: which functions it releases, and that the result runs.
 */
import vm from 'node:vm';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { releaseBootFunctions } from '../scripts/rollup/release-boot-functions.mjs';

const test = suite('release boot functions');

/** Names the step sets to undefined at the end of `code`. */
async function released(code: string): Promise<string[]> {
  const out = await releaseBootFunctions(code);
  return Array.from(out.matchAll(/^(\w+) = void 0;$/gm), (m) => m[1]);
}

test('releases main and its direct callees', async () => {
  const code =
    'function helper() { return 1; }\n' +
    'function main() { helper(); }\n' +
    'main();';
  assert.equal(await released(code), ['helper', 'main']);
});

test('keeps function called from closure', async () => {
  const code =
    'function tick() {}\n' +
    'function main() { setTimeout(function () { tick(); }, 1); }\n' +
    'main();';
  assert.equal(await released(code), ['main']);
});

test('keeps function passed as value', async () => {
  const code =
    'function visit() {}\n' +
    'function main() { [1].forEach(visit); }\n' +
    'main();';
  assert.equal(await released(code), ['main']);
});

test('keeps callees of kept function', async () => {
  const code =
    'function inner() {}\n' +
    'function outer() { inner(); }\n' +
    'var handlers = { run: outer };';
  assert.equal(await released(code), []);
});

test('keeps constructed and reassigned functions', async () => {
  const code =
    'function Point() {}\n' +
    'function later() {}\n' +
    'var p = new Point();\n' +
    'later = null;';
  assert.equal(await released(code), []);
});

test('released script still runs', async () => {
  const code =
    'function add(a, b) { return a + b; }\n' +
    'function report(value) { log(function () { return value; }); }\n' +
    'function main() { report(add(1, 2)); }\n' +
    'main();';
  const out = await releaseBootFunctions(code);
  const seen: unknown[] = [];
  const context = vm.createContext({
    log: (read: () => unknown) => seen.push(read()),
  });
  vm.runInContext(out, context);
  assert.equal(seen, [3]);
  assert.is(context.main, undefined);
  assert.is(context.add, undefined);
  assert.is(typeof context.report, 'undefined');
});

test.run();
