/**
 * The Espruino checker on snippets that must pass and must fail, one pair
 * per rule, then on the built device bundle: no findings, valid ES5, and
 * within the size budget.
 */
import { parse } from 'acorn';
import { gzipSync } from 'node:zlib';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { checkEspruino } from '../scripts/espruino-check/check';
import { checkBundle } from '../scripts/check-espruino';
import { readBundle } from './support/espruino-vm/bundle';

/** Size budget of the minified bundle in bytes; see docs/espruino.md. */
const MAX_BUNDLE_BYTES = 160 * 1024;

function rules(code: string): string[] {
  return checkEspruino(code).map((f) => f.rule);
}

/** [rule, code that must be reported, code that must pass]. */
const CASES: [string, string, string][] = [
  ['label', 'a: for (;;) { break a; }', 'for (;;) { break; }'],
  ['exponent', 'var x = 2 ** 3;', 'var x = Math.pow(2, 3);'],
  ['destructuring', 'var { a } = o;', 'var a = o.a;'],
  ['spread', 'f(...args);', 'f.apply(null, args);'],
  [
    'default-param',
    'function f(a = 1) { return a; }',
    'function f(a) { return a; }',
  ],
  ['computed-key', 'var o = { [k]: 1 };', 'var o = {}; o[k] = 1;'],
  [
    'async',
    'async function f() { await g(); }',
    'function f() { return g(); }',
  ],
  ['generator', 'function* f() { yield 1; }', 'function f() { return 1; }'],
  ['optional-chaining', 'var x = o?.a;', 'var x = o && o.a;'],
  ['logical-assign', 'o.a ??= 1;', 'if (o.a == null) o.a = 1;'],
  ['tagged-template', 'var x = tag`a`;', 'var x = tag("a");'],
  ['reserved-name', 'var of = 1;', 'var often = 1;'],
  [
    'reserved-name',
    'function f(static) { return static; }',
    'function f(s) { return s; }',
  ],
  ['reserved-name', 'var o = { undefined };', 'var o = { u: undefined };'],
  [
    'prototype-lock',
    'Object.defineProperty(F, "prototype", { writable: false });',
    'Object.defineProperty(F, "name", { value: "F" });',
  ],
  ['hoisting', 'f(); function f() {}', 'function f() {} f();'],
  [
    'hoisting',
    'function g() { var t = setTimeout(done, 1); function done() {} }',
    'function g() { function done() {} var t = setTimeout(done, 1); }',
  ],
  [
    'hoisting',
    'function g() { x = 1; var x; return x; }',
    'function g() { var x; x = 1; return x; }',
  ],
  ['length-write', 'list.length = 0;', 'list.splice(0);'],
  ['global', 'var m = new Map();', 'var m = {};'],
  ['global', 'var c = new AbortController();', 'var d = new Date();'],
  ['missing-builtin', 'var a = Array.from(s);', 'var a = Array.isArray(s);'],
  ['missing-builtin', 'var a = list.flatMap(f);', 'var a = list.map(f);'],
  ['missing-builtin', 'Object.freeze(o);', 'Object.keys(o);'],
  ['missing-builtin', 'var n = Number.isFinite(x);', 'var n = isFinite(x);'],
  ['missing-builtin', 'p.finally(done);', 'p.then(done, done);'],
  ['regex', 'var r = /\\d{4}/;', 'var r = /\\d\\d\\d\\d/;'],
  ['regex', 'var r = /^api_?key$/;', 'var r = /^api_*key$/;'],
  ['regex', 'var r = /(?:a)/;', 'var r = /(a)/;'],
  ['regex', 'var r = /x(a|b)/;', 'var r = /xa|xb/;'],
  ['regex', 'var r = new RegExp("\\\\bword");', 'var r = new RegExp("word");'],
  ['regex', 'var r = /a/m;', 'var r = /a/gi;'],
  ['regex', 'var r = /[^/?#]+/;', 'var r = /[^\\/?#]+/;'],
  [
    'loop-binding',
    'for (let i = 0; i < 3; i++) fs.push(() => i);',
    'for (var i = 0; i < 3; i++) g(i);',
  ],
  [
    'return-newline',
    'function f() { return\n  g(); }',
    'function f() { return g(); }',
  ],
  [
    'long-line',
    'var s = "' + 'x'.repeat(600) + '";',
    'var s = "' + 'x'.repeat(100) + '";',
  ],
];

const checker = suite('espruino checker');

for (const [rule, bad, good] of CASES) {
  checker(rule + ' reported: ' + bad.slice(0, 40), () => {
    assert.ok(
      rules(bad).includes(rule),
      rule + ' in ' + JSON.stringify(rules(bad)),
    );
  });
  checker(rule + ' passes: ' + good.slice(0, 40), () => {
    assert.not.ok(rules(good).includes(rule), JSON.stringify(rules(good)));
  });
}

checker('feature tests are guarded', () => {
  const code = [
    'var o = {};',
    'var s = typeof Symbol === "function" ? Symbol.iterator : "@@iterator";',
    'function native() { try { return !!Reflect.construct; } catch (e) { return false; } }',
    'function make(t) { if (native()) return Reflect.construct(t, []); return new t(); }',
    'if (Object.getOwnPropertySymbols) Object.getOwnPropertySymbols(o);',
  ].join('\n');
  assert.equal(checkEspruino(code), []);
});

checker('finding has position and snippet', () => {
  const [finding] = checkEspruino('var a = 1;\nvar b = 2 ** 3;');
  assert.is(finding.rule, 'exponent');
  assert.is(finding.line, 2);
  assert.is(finding.column, 9);
  assert.is(finding.offset, 19);
  assert.ok(finding.snippet.includes('2 ** 3'));
});

checker('polyfilled names allowed', () => {
  const code =
    'var m = new Map(); var a = Array.from(m); var b = a.flatMap(String);';
  const findings = checkEspruino(code, {
    providedGlobals: ['Map'],
    providedMembers: ['Array.from'],
    providedMethods: ['flatMap'],
  });
  assert.equal(findings, []);
});

checker.run();

const bundle = suite('espruino bundle');

bundle('has no checker findings', () => {
  const findings = checkBundle(readBundle());
  const text = findings.map(
    (f) => f.line + ':' + f.column + ' ' + f.rule + ': ' + f.message,
  );
  assert.equal(text, []);
});

bundle('parses as ES5', () => {
  parse(readBundle(), { ecmaVersion: 5, sourceType: 'script' });
});

bundle('stays within the size budget', () => {
  const bytes = Buffer.byteLength(readBundle());
  assert.ok(
    bytes <= MAX_BUNDLE_BYTES,
    bytes + ' bytes, budget ' + MAX_BUNDLE_BYTES,
  );
  assert.ok(gzipSync(readBundle()).length > 0);
});

bundle.run();
