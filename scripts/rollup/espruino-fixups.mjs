/**
 * Rollup plugin that makes the finished ES5 chunk safe for Espruino, which
 * differs from ES5 in two ways that compilers rely on:
 *
 * - Function declarations are not hoisted: calling or reading a function
 *   declared further down its scope throws "is not defined". Every function
 *   declaration moves to the top of its statement list, after directives.
 *   That is what hoisting does, so the code means the same in any engine.
 * - `var` declarations are not hoisted either: a name read or assigned
 *   before its `var` runs resolves to an outer variable. Babel's regenerator
 *   helper does that in a loop condition. Such names get a `var` at the top
 *   of their function too, which changes nothing in a standard engine.
 * - `Object.defineProperty(F, 'prototype', { writable: false })` wipes
 *   `F.prototype`. Babel's class helpers emit it to lock the prototype,
 *   which no code here depends on, so those calls are removed.
 *
 * - `array.length = 0` throws "Assignment to a constant" (length is
 *   read-only since 2v19); XState empties a queue that way, so it becomes
 *   `array.splice(0)`.
 *
 * - An unescaped `[` inside a character class, as in `/[\w[\]]/`, throws
 *   "Unfinished character set in RegEx" (measured in 2v29). It is escaped
 *   as `\[`, which means the same in every engine.
 *
 * - A function expression's name costs one or two variables in each
 *   function object (measured in 2v29), and Espruino has no `name`
 *   property to read it from. The name is dropped where the function's
 *   body does not use it.
 *
 * - Babel's object rest transform keeps the list of keys to leave out in a
 *   top-level array (`var _excluded = ["onDone", "onError"]`), which takes
 *   variables from load on. Each use gets its own copy of the
 *   array instead, which `_objectWithoutPropertiesLoose` only reads.
 *
 * Babel's array helpers also test for typed arrays with a regular
 * expression that uses `(?:` groups, which Espruino's matcher lacks. It
 * becomes a lookup in a list of the same names.
 */
import { transformAsync } from '@babel/core';

function isPrototypeLock(t, node) {
  if (!t.isCallExpression(node) || node.arguments.length !== 3) return false;
  const callee = node.callee;
  const isDefineProperty =
    t.isMemberExpression(callee) &&
    t.isIdentifier(callee.object, { name: 'Object' }) &&
    t.isIdentifier(callee.property, { name: 'defineProperty' });
  const key = node.arguments[1];
  return isDefineProperty && t.isStringLiteral(key, { value: 'prototype' });
}

/** Moves function declarations ahead of the other statements of `body`. */
function hoistFunctions(body) {
  const functions = body.filter((n) => n.type === 'FunctionDeclaration');
  if (functions.length === 0) return false;
  const firstOther = body.findIndex((n) => n.type !== 'FunctionDeclaration');
  const lastFunction = body.lastIndexOf(functions[functions.length - 1]);
  if (firstOther === -1 || firstOther > lastFunction) return false;
  const others = body.filter((n) => n.type !== 'FunctionDeclaration');
  body.splice(0, body.length, ...functions, ...others);
  return true;
}

const TYPED_ARRAY_TEST = '^(?:Ui|I)nt(?:8|16|32)(?:Clamped)?Array$';
const TYPED_ARRAY_NAMES =
  'Int8Array Uint8Array Uint8ClampedArray Int16Array Uint16Array ' +
  'Int32Array Uint32Array';

/** Escapes each `[` that is inside a character class of `pattern`. */
export function escapeBracketsInClasses(pattern) {
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      out += c + (pattern[i + 1] ?? '');
      i++;
      continue;
    }
    if (c === '[') {
      out += inClass ? '\\[' : c;
      inClass = true;
      continue;
    }
    if (c === ']' && inClass) inClass = false;
    out += c;
  }
  return out;
}

/** Names declared with `var` in this function and used before that. */
function varsUsedEarly(scope) {
  const early = [];
  for (const name of Object.keys(scope.bindings)) {
    const binding = scope.bindings[name];
    if (binding.kind !== 'var') continue;
    const declaredAt = binding.identifier.start;
    const uses = binding.referencePaths.concat(binding.constantViolations);
    const before = uses.some(
      (use) =>
        use.node.start < declaredAt &&
        use.scope.getFunctionParent() === scope.getFunctionParent(),
    );
    if (before) early.push(name);
  }
  return early;
}

/** Names Babel gives the key lists of object rest, as Rollup renames them. */
const EXCLUDED_KEYS = /^_excluded\d*(\$\d+)?$/;

/**
 * Replaces each top-level `_excluded` key list that Babel's object rest
 * transform hoists with a copy of the array at each use.
 */
function inlineExcludedKeys(t, program) {
  for (const statement of program.get('body')) {
    if (!statement.isVariableDeclaration()) continue;
    for (const declarator of statement.get('declarations')) {
      const { id, init } = declarator.node;
      const isKeyList =
        t.isIdentifier(id) &&
        EXCLUDED_KEYS.test(id.name) &&
        t.isArrayExpression(init) &&
        init.elements.every((e) => t.isStringLiteral(e));
      if (!isKeyList) continue;
      const binding = program.scope.getBinding(id.name);
      if (!binding || binding.constantViolations.length > 0) continue;
      for (const use of binding.referencePaths) {
        use.replaceWith(t.cloneNode(init));
      }
      declarator.remove();
    }
  }
}

export function espruinoFixupsBabelPlugin({ types: t, template }) {
  const reorder = (path) => {
    hoistFunctions(path.node.body);
  };
  const hoistVars = (path) => {
    const early = varsUsedEarly(path.scope);
    if (early.length === 0) return;
    const declaration = t.variableDeclaration(
      'var',
      early.map((name) => t.variableDeclarator(t.identifier(name))),
    );
    const body = path.isProgram() ? path.node.body : path.node.body.body;
    body.unshift(declaration);
  };
  return {
    name: 'espruino-fixups',
    visitor: {
      Program: {
        enter(path) {
          inlineExcludedKeys(t, path);
          hoistVars(path);
        },
        exit: reorder,
      },
      Function: { enter: hoistVars },
      BlockStatement: { exit: reorder },
      RegExpLiteral(path) {
        if (path.node.pattern !== TYPED_ARRAY_TEST) {
          path.node.pattern = escapeBracketsInClasses(path.node.pattern);
          return;
        }
        const lookup = template.expression.ast(
          '{ test: function (name) { return ' +
            JSON.stringify(TYPED_ARRAY_NAMES) +
            ".split(' ').indexOf(name) >= 0; } }",
        );
        path.replaceWith(lookup);
      },
      AssignmentExpression(path) {
        const { left, right, operator } = path.node;
        const empties =
          operator === '=' &&
          t.isMemberExpression(left, { computed: false }) &&
          t.isIdentifier(left.property, { name: 'length' }) &&
          t.isNumericLiteral(right, { value: 0 });
        if (!empties) return;
        const call = t.callExpression(
          t.memberExpression(left.object, t.identifier('splice')),
          [t.numericLiteral(0)],
        );
        if (path.parentPath.isExpressionStatement()) path.replaceWith(call);
        else
          path.replaceWith(t.sequenceExpression([call, t.numericLiteral(0)]));
      },
      FunctionExpression(path) {
        const id = path.node.id;
        if (!id) return;
        // Babel binds the name of a function expression in the function's
        // own scope as kind 'local'. A parameter or `var` of the same name
        // takes its place, and then the name is kept.
        const binding = path.scope.getOwnBinding(id.name);
        const unused =
          binding &&
          binding.kind === 'local' &&
          !binding.referenced &&
          binding.constantViolations.length === 0;
        if (unused) path.node.id = null;
      },
      CallExpression(path) {
        if (!isPrototypeLock(t, path.node)) return;
        if (path.parentPath.isExpressionStatement()) path.parentPath.remove();
        else path.replaceWith(t.unaryExpression('void', t.numericLiteral(0)));
      },
    },
  };
}

/** Runs one Babel plugin over ES5 script text, without any config file. */
export async function transformScript(code, plugin) {
  const result = await transformAsync(code, {
    babelrc: false,
    configFile: false,
    comments: false,
    compact: false,
    sourceMaps: false,
    sourceType: 'script',
    plugins: [plugin],
  });
  return result.code;
}

/** Applies the fixes to ES5 source text. */
export async function applyEspruinoFixups(code) {
  return transformScript(code, espruinoFixupsBabelPlugin);
}

export default function espruinoFixups() {
  return {
    name: 'espruino-fixups',
    async renderChunk(code) {
      return { code: await applyEspruinoFixups(code), map: null };
    },
  };
}
