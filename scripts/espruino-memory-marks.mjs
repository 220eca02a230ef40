/**
 * Copies a bundle built with `ESPRUINO_MANGLE=0` and adds a line that prints
 * `process.memory().usage` before and after each top-level statement that
 * defines a state machine (a `var` whose name ends in `Machine`), and
 * around the entry's final `main()` call:
 *
 *   ESPRUINO_MANGLE=0 ESPRUINO_OUT=/tmp/named.js npm run build
 *   node scripts/espruino-memory-marks.mjs /tmp/named.js /tmp/marked.js
 *
 * Run the copy with `scripts/espruino-linux.ts --bundle /tmp/marked.js`.
 * Each `MEM` line reads `MEM <before|after> <name> <usage>`; a
 * `process.memory()` call collects garbage first, so the difference
 * between a pair is what the statement keeps.
 */
import fs from 'node:fs';
import { parse } from 'acorn';
import MagicString from 'magic-string';

function namesOf(node) {
  if (node.type === 'VariableDeclaration') {
    return node.declarations.map((d) => d.id.name).filter(Boolean);
  }
  const call = node.type === 'ExpressionStatement' && node.expression;
  if (call && call.type === 'CallExpression' && call.callee.name === 'main') {
    return ['main()'];
  }
  return [];
}

function mark(when, name) {
  return `\nprint('MEM ${when} ${name} ' + process.memory().usage);\n`;
}

const [input, output] = process.argv.slice(2);
if (!input || !output) {
  throw new Error('usage: espruino-memory-marks.mjs BUNDLE OUTPUT');
}
const code = fs.readFileSync(input, 'utf8');
const ast = parse(code, { ecmaVersion: 5, sourceType: 'script' });
const s = new MagicString(code);
s.prepend(mark('at', 'start'));
let marked = 0;
for (const node of ast.body) {
  const names = namesOf(node).filter(
    (n) => n === 'main()' || /Machine$/.test(n),
  );
  if (names.length === 0) continue;
  s.appendLeft(node.start, mark('before', names.join(',')));
  s.appendRight(node.end, mark('after', names.join(',')));
  marked++;
}
fs.writeFileSync(output, s.toString());
console.log(`marked ${marked} statements in ${output}`);
