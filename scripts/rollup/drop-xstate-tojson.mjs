/**
 * Rollup plugin that removes the `toJSON` closures XState puts on every
 * transition object it builds (arrow functions) and on every invoke
 * definition (methods). Each keeps its builder's scope alive, which costs
 * Espruino about a dozen variables per transition and about 30 per invoke
 * (the invoke definitions cost 824 variables in the device entry before).
 * They serve only to serialise machine definitions for inspection tools;
 * this firmware reports state names instead.
 */
import { parse } from 'acorn';
import { simple } from 'acorn-walk';
import MagicString from 'magic-string';

const XSTATE = /node_modules[\\/]xstate[\\/]dist[\\/]/;

export function dropToJsonClosures(code) {
  if (!code.includes('toJSON')) return null;
  const ast = parse(code, { ecmaVersion: 'latest', sourceType: 'module' });
  const s = new MagicString(code);
  let changed = false;
  simple(ast, {
    ObjectExpression(node) {
      node.properties.forEach((p, i) => {
        const isClosure =
          p.type === 'Property' &&
          !p.computed &&
          p.key.type === 'Identifier' &&
          p.key.name === 'toJSON' &&
          (p.value.type === 'ArrowFunctionExpression' ||
            p.value.type === 'FunctionExpression');
        if (!isClosure) return;
        const next = node.properties[i + 1];
        s.remove(p.start, next ? next.start : p.end);
        changed = true;
      });
    },
  });
  return changed ? s : null;
}

export default function dropXstateToJson() {
  return {
    name: 'drop-xstate-tojson',
    transform(code, id) {
      if (!XSTATE.test(id)) return null;
      const s = dropToJsonClosures(code);
      if (!s) return null;
      return { code: s.toString(), map: s.generateMap({ hires: true }) };
    },
  };
}
