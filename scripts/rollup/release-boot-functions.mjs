/**
 * Rollup plugin that frees, after the last top-level statement has run,
 * the top-level functions that only boot code calls: the entry's `main()`
 * and its helpers, the factories it calls once, configuration parsing and
 * the polyfill installers. On Espruino a top-level function keeps 3
 * variables plus one per parameter for as long as its name refers to it
 * (measured in 2v29). See docs/espruino.md for what this frees in the
 * device bundle.
 *
 * A function counts as boot-only when every reference to it is a direct
 * call (`f(...)`), either in a top-level statement or in the body of
 * another boot-only top-level function, outside any nested function. Any
 * other reference keeps it: a reference inside a nested function or
 * closure, which may run later, or one that stores, passes, constructs or
 * reads the function (`x = f`, `g(f)`, `new f()`, `f.prototype`).
 *
 * NOTE: the analysis assumes that no code reaches a top-level function
 * through a string, as `eval`, `global[name]` or `setTimeout('f()')` do.
 * The firmware, XState and mitt do not, but new code that does would find
 * a boot-only function undefined.
 *
 * The plugin appends `f = void 0;` for each boot-only function, so the
 * function object, its code and its parameters are freed and its name
 * stays, holding undefined.
 */
import { transformScript } from './espruino-fixups.mjs';

/** Names of the top-level functions that only boot code calls. */
function bootOnlyFunctions(program) {
  const declared = new Map();
  for (const statement of program.get('body')) {
    if (statement.isFunctionDeclaration()) {
      declared.set(statement.node.id.name, statement);
    }
  }
  const calls = new Map();
  const kept = new Set(); // functions that may run after boot
  for (const name of declared.keys()) {
    const binding = program.scope.getBinding(name);
    if (!binding || binding.constantViolations.length > 0) {
      kept.add(name);
      continue;
    }
    for (const use of binding.referencePaths) {
      const isCall = use.parentPath.isCallExpression() && use.key === 'callee';
      const caller = use.getFunctionParent();
      if (!caller) {
        if (!isCall) kept.add(name);
        continue;
      }
      const callerIsTopLevel =
        caller.isFunctionDeclaration() && caller.parentPath.isProgram();
      if (!callerIsTopLevel || !isCall) {
        kept.add(name);
        continue;
      }
      const callerName = caller.node.id.name;
      if (!calls.has(callerName)) calls.set(callerName, new Set());
      calls.get(callerName).add(name);
    }
  }
  // A function that a kept function calls is kept too.
  const pending = Array.from(kept);
  while (pending.length > 0) {
    const callees = calls.get(pending.pop()) || [];
    for (const callee of callees) {
      if (kept.has(callee)) continue;
      kept.add(callee);
      pending.push(callee);
    }
  }
  return Array.from(declared.keys()).filter((name) => !kept.has(name));
}

export function releaseBootFunctionsBabelPlugin({ types: t }) {
  return {
    name: 'release-boot-functions',
    visitor: {
      Program(path) {
        for (const name of bootOnlyFunctions(path)) {
          const release = t.assignmentExpression(
            '=',
            t.identifier(name),
            t.unaryExpression('void', t.numericLiteral(0)),
          );
          path.pushContainer('body', t.expressionStatement(release));
        }
        path.stop();
      },
    },
  };
}

/** Appends the releases to ES5 source text. */
export async function releaseBootFunctions(code) {
  return transformScript(code, releaseBootFunctionsBabelPlugin);
}

export default function releaseBootFunctionsPlugin() {
  return {
    name: 'release-boot-functions',
    async renderChunk(code) {
      return { code: await releaseBootFunctions(code), map: null };
    },
  };
}
