/**
 * The Babel pass that adapts the finished bundle to Espruino, on small
 * snippets: function expression names.
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

test.run();
