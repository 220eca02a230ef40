/**
 * Feature tests that make a missing global or member safe to use, so the
 * checker does not report it:
 *
 * - `typeof Name` in a function guards `Name` everywhere in that function;
 * - a reference inside a `try` block is guarded;
 * - a function that detects `Name` one of those ways guards `Name` in the
 *   functions that call it (Babel's `_isNativeReflectConstruct`);
 * - `Owner.member` in the test of an `if`, `?:`, `&&` or `||` guards that
 *   member inside the statement or expression.
 */

/* eslint-disable @typescript-eslint/no-explicit-any */
type AnyNode = any;

interface Range {
  start: number;
  end: number;
}

const FUNCTIONS = new Set([
  'FunctionDeclaration',
  'FunctionExpression',
  'ArrowFunctionExpression',
]);

const inside = (pos: number, r: Range) => pos >= r.start && pos < r.end;

export interface Guards {
  isGlobalGuarded(name: string, pos: number): boolean;
  isMemberGuarded(text: string, pos: number): boolean;
}

export function collectGuards(ast: AnyNode, source: string): Guards {
  const functions: Range[] = [ast];
  const tries: Range[] = [];
  const typeofs: { name: string; at: number }[] = [];
  const conditions: (Range & { test: string })[] = [];
  const calls: { callee: string; at: number }[] = [];
  const declared: { name: string; node: Range }[] = [];

  const visit = (node: AnyNode) => {
    if (FUNCTIONS.has(node.type)) functions.push(node);
    if (node.type === 'FunctionDeclaration' && node.id)
      declared.push({ name: node.id.name, node });
    if (node.type === 'TryStatement') tries.push(node.block);
    if (node.type === 'UnaryExpression' && node.operator === 'typeof') {
      if (node.argument.type === 'Identifier')
        typeofs.push({ name: node.argument.name, at: node.start });
    }
    const test = node.test || (node.type === 'LogicalExpression' && node.left);
    if (test && node.type !== 'ForStatement' && node.type !== 'WhileStatement')
      conditions.push({
        start: node.start,
        end: node.end,
        test: source.slice(test.start, test.end),
      });
    if (node.type === 'CallExpression' && node.callee.type === 'Identifier')
      calls.push({ callee: node.callee.name, at: node.start });
    for (const key of Object.keys(node)) {
      const value = node[key];
      if (Array.isArray(value))
        value.forEach((v) => v && typeof v.type === 'string' && visit(v));
      else if (value && typeof value.type === 'string' && key !== 'loc')
        visit(value);
    }
  };
  visit(ast);

  /** The innermost function (or the program) around `pos`. */
  const enclosing = (pos: number): Range => {
    let best: Range = ast;
    for (const f of functions)
      if (inside(pos, f) && f.start >= best.start) best = f;
    return best;
  };

  const detectedIn = (name: string, fn: Range): boolean =>
    typeofs.some((t) => t.name === name && enclosing(t.at) === fn);

  const detectors = (name: string): Set<string> =>
    new Set(
      declared
        .filter(
          (d) =>
            detectedIn(name, d.node) ||
            tries.some(
              (t) =>
                t.start > d.node.start &&
                t.end <= d.node.end &&
                source.slice(t.start, t.end).includes(name),
            ),
        )
        .map((d) => d.name),
    );

  return {
    isGlobalGuarded(name, pos) {
      if (tries.some((t) => inside(pos, t))) return true;
      for (const f of functions) {
        if (inside(pos, f) && detectedIn(name, f)) return true;
      }
      const fn = enclosing(pos);
      const found = detectors(name);
      return calls.some((c) => found.has(c.callee) && enclosing(c.at) === fn);
    },
    isMemberGuarded(text, pos) {
      return conditions.some((c) => inside(pos, c) && c.test.includes(text));
    },
  };
}
