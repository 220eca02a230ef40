/**
 * The build's changes to XState's code (`scripts/rollup/slim-xstate-logic.mjs`
 * and `drop-xstate-tojson.mjs`): they apply to the installed XState, and
 * they fail loudly when its code no longer has the expected shape. The
 * bundle's behaviour with them is covered by `espruino-runtime.test.ts`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'acorn';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { dropToJsonClosures } from '../scripts/rollup/drop-xstate-tojson.mjs';
import { slimXstateLogic } from '../scripts/rollup/slim-xstate-logic.mjs';

const DIST = path.resolve('node_modules/xstate/dist');

function xstateFile(prefix: string): { id: string; code: string } {
  const name = fs
    .readdirSync(DIST)
    .find(
      (f) =>
        f.startsWith(prefix) &&
        f.endsWith('.esm.js') &&
        !f.includes('development'),
    );
  if (!name) throw new Error('no ' + prefix + '*.esm.js in ' + DIST);
  const id = path.join(DIST, name);
  return { id, code: fs.readFileSync(id, 'utf8') };
}

function parses(code: string): void {
  parse(code, { ecmaVersion: 'latest', sourceType: 'module' });
}

const test = suite('xstate build changes');

test('callback and promise logic share their closure-free methods', () => {
  const { id, code } = xstateFile('xstate-actors');
  const out = slimXstateLogic(code, id)!.toString();
  parses(out);
  for (const name of ['fromCallback', 'fromPromise']) {
    assert.ok(out.includes(`const ${name}Shared = {`), name);
    assert.ok(out.includes(`Object.assign(Object.create(${name}Shared)`));
  }
  // The shared methods left the per-call object.
  const body = out.slice(out.indexOf('function fromCallback('));
  const own = body.slice(0, body.indexOf('return logic;'));
  assert.not.ok(own.includes('getPersistedSnapshot'));
  assert.ok(own.includes('start:'));
});

test('machines lose the bound methods and the event list', () => {
  const { id, code } = xstateFile('StateMachine-');
  const out = slimXstateLogic(code, id)!.toString();
  parses(out);
  assert.not.ok(out.includes('.bind(this)'));
  assert.not.ok(out.includes('this.events = this.root.events;'));
  assert.ok(out.includes('this.events = void 0;'));
});

test('actors lose the bound send', () => {
  const { id, code } = xstateFile('raise-');
  const out = slimXstateLogic(code, id)!.toString();
  parses(out);
  assert.ok(code.includes('this.send = this.send.bind(this);'));
  assert.not.ok(out.includes('this.send = this.send.bind(this);'));
});

test('a changed logic factory fails the build', () => {
  const code =
    'function fromCallback(cb) { const logic = { config: cb, ' +
    'transition: (s) => cb(s), start: () => {} }; return logic; }\n' +
    'function fromPromise(p) { return p; }';
  assert.throws(
    () => slimXstateLogic(code, 'x.js'),
    /fromCallback.transition uses "cb"|Update the plugin/,
  );
});

test('toJSON arrow functions and methods are removed', () => {
  const code =
    'const a = { x: 1, toJSON: () => ({ x: 1 }) };\n' +
    'const b = { y: 2, toJSON() { return { y: 2 }; } };\n' +
    'class C { toJSON() { return 3; } }';
  const out = dropToJsonClosures(code)!.toString();
  parses(out);
  assert.is(out.match(/toJSON/g)!.length, 1, out);
  assert.ok(out.includes('class C { toJSON()'));
});

test.run();
