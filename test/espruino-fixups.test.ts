/**
 * The Babel pass that adapts the finished bundle to Espruino, on small
 * snippets: function expression names and object rest key lists.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { applyEspruinoFixups } from '../scripts/rollup/espruino-fixups.mjs';

const test = suite('espruino fixups');

test('drops unused function expression name', async () => {
  const out = await applyEspruinoFixups(
    'var f = function named(a) { return a; };',
  );
  assert.not.match(out, 'named');
  assert.match(out, /function \(a\)/);
});

test('keeps name the function calls', async () => {
  const out = await applyEspruinoFixups(
    'var f = function count(n) { return n ? count(n - 1) : 0; };',
  );
  assert.match(out, /function count\(n\)/);
});

test('keeps name used by nested function', async () => {
  const out = await applyEspruinoFixups(
    'var f = function outer() { return function () { return outer; }; };',
  );
  assert.match(out, /function outer\(\)/);
});

test('keeps function declaration names', async () => {
  const out = await applyEspruinoFixups('function kept() { return 1; }');
  assert.match(out, /function kept\(\)/);
});

test('copies object rest key list', async () => {
  const out = await applyEspruinoFixups(
    'var _excluded = ["a", "b"];\n' +
      'function f(o) { return _objectWithoutPropertiesLoose(o, _excluded); }',
  );
  assert.not.match(out, '_excluded');
  assert.match(out, /_objectWithoutPropertiesLoose\(o, \["a", "b"\]\)/);
});

test('keeps key list that is reassigned', async () => {
  const out = await applyEspruinoFixups(
    'var _excluded2 = ["a"];\n_excluded2 = [];\nfunction f() { return _excluded2; }',
  );
  assert.match(out, /var _excluded2 = \["a"\]/);
});

test.run();
