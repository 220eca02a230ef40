/**
 * Rollup plugin that makes XState's actor logic objects and machines
 * cheaper on Espruino, where each closure and each property costs
 * variables for as long as the machine definition lives.
 *
 * - `fromCallback` and `fromPromise` build an object of five or six
 *   arrow functions per call. Only `start` uses the call's argument. The
 *   others (`transition`, `getInitialSnapshot`, `getPersistedSnapshot`,
 *   `restoreSnapshot`) move to one shared prototype per kind, so each
 *   logic object keeps only `config` and `start`.
 * - `StateMachine`'s constructor binds five methods to the instance, for
 *   callers that pass `machine.transition` around unbound. XState calls
 *   them as methods and so does this firmware, so the bound copies go.
 * - `Actor`'s constructor binds `send` to each actor for the same reason;
 *   XState and this firmware call `actor.send(...)` as a method.
 * - `StateMachine`'s constructor also lists every event type the machine
 *   accepts in `machine.events`, which fills XState's memo cache with an
 *   array per state node. Only type helpers and inspection tools read it,
 *   so it stays `undefined`.
 *
 * The build fails if XState's code no longer matches, so an update cannot
 * silently skip the change.
 */
import { parse } from 'acorn';
import { simple } from 'acorn-walk';
import MagicString from 'magic-string';

const XSTATE = /node_modules[\\/]xstate[\\/]dist[\\/]/;
const LOGIC_FACTORIES = ['fromCallback', 'fromPromise'];
const SHARED_METHODS = [
  'transition',
  'getInitialSnapshot',
  'getPersistedSnapshot',
  'restoreSnapshot',
];
const BOUND_METHODS = [
  'transition',
  'getInitialSnapshot',
  'getPersistedSnapshot',
  'restoreSnapshot',
  'start',
];

function fail(message, id) {
  throw new Error(
    `slim-xstate-logic: ${message} in ${id}. ` +
      'Update the plugin for the installed XState version.',
  );
}

function usesName(node, name) {
  let found = false;
  simple(node, {
    Identifier(n) {
      if (n.name === name) found = true;
    },
  });
  return found;
}

/** Rewrites one `function fromX(arg) { const logic = {...}; return logic; }`. */
function shareLogicMethods(code, s, fn, id) {
  const name = fn.id.name;
  const param = fn.params[0].name;
  const decl = fn.body.body[0];
  const init =
    decl && decl.type === 'VariableDeclaration' && decl.declarations[0].init;
  if (!init || init.type !== 'ObjectExpression') {
    fail(`${name} no longer starts with "const logic = {...}"`, id);
  }

  const shared = [];
  const own = [];
  for (const p of init.properties) {
    const key = p.key && p.key.name;
    const text = code.slice(p.start, p.end);
    if (SHARED_METHODS.includes(key)) {
      if (usesName(p.value, param)) fail(`${name}.${key} uses "${param}"`, id);
      shared.push(text);
    } else {
      own.push(text);
    }
  }
  if (shared.length !== SHARED_METHODS.length) {
    fail(`${name} does not define all of ${SHARED_METHODS.join(', ')}`, id);
  }
  const proto = `${name}Shared`;
  s.appendLeft(fn.start, `const ${proto} = {\n${shared.join(',\n')}\n};\n`);
  s.overwrite(
    init.start,
    init.end,
    `Object.assign(Object.create(${proto}), {\n${own.join(',\n')}\n})`,
  );
}

export function slimXstateLogic(code, id) {
  const hasFactory = LOGIC_FACTORIES.some((n) =>
    code.includes(`function ${n}(`),
  );
  const hasBinds = code.includes(
    'this.transition = this.transition.bind(this);',
  );
  const sendBind = 'this.send = this.send.bind(this);';
  const hasSendBind = code.includes('class Actor {');
  if (!hasFactory && !hasBinds && !hasSendBind) return null;

  const ast = parse(code, { ecmaVersion: 'latest', sourceType: 'module' });
  const s = new MagicString(code);
  let factories = 0;
  for (const node of ast.body) {
    if (
      node.type === 'FunctionDeclaration' &&
      LOGIC_FACTORIES.includes(node.id.name)
    ) {
      shareLogicMethods(code, s, node, id);
      factories++;
    }
  }
  if (hasFactory && factories !== LOGIC_FACTORIES.length) {
    fail(`expected ${LOGIC_FACTORIES.join(' and ')} at the top level`, id);
  }

  if (hasSendBind) {
    const at = code.indexOf(sendBind);
    if (at < 0 || code.indexOf(sendBind, at + 1) >= 0) {
      fail(`expected one "${sendBind}"`, id);
    }
    s.remove(at, at + sendBind.length);
  }

  if (hasBinds) {
    const events = 'this.events = this.root.events;';
    const at = code.indexOf(events);
    if (at < 0) fail(`expected "${events}"`, id);
    s.remove(at, at + events.length);
    for (const m of BOUND_METHODS) {
      const line = `this.${m} = this.${m}.bind(this);`;
      const at = code.indexOf(line);
      if (at < 0 || code.indexOf(line, at + 1) >= 0) {
        fail(`expected one "${line}"`, id);
      }
      s.remove(at, at + line.length);
    }
  }
  return s;
}

export default function slimXstateLogicPlugin() {
  return {
    name: 'slim-xstate-logic',
    transform(code, id) {
      if (!XSTATE.test(id)) return null;
      const s = slimXstateLogic(code, id);
      if (!s) return null;
      return { code: s.toString(), map: s.generateMap({ hires: true }) };
    },
  };
}
