/**
 * Rollup plugin that rewrites labelled loops into loops without labels,
 * because Espruino parses neither labels nor `break label` and
 * `continue label`.
 *
 * A jump that leaves inner loops or switches sets a flag and breaks; after
 * each construct it left, `if (flag) break;` carries it outwards, and at
 * the labelled loop itself the flag turns into `break` or `continue`:
 *
 *   L: for (a of b) { for (c of d) { if (x) continue L; } }
 * becomes
 *   { var L$c = false; for (a of b) { { for (c of d) { if (x) { L$c = true;
 *   break; } } if (L$c) { L$c = false; continue; } } } }
 *
 * Labelled blocks (`L: { ... break L; }`) are left alone and reported by
 * the bundle checker.
 */
import { parse } from 'acorn';
import { ancestor } from 'acorn-walk';
import MagicString from 'magic-string';

const LOOPS = new Set([
  'ForStatement',
  'ForInStatement',
  'ForOfStatement',
  'WhileStatement',
  'DoWhileStatement',
]);

/** Cheap test before parsing: a label followed by a loop keyword. */
const LABEL_HINT = /[\w$]+\s*:\s*(for|while|do)\b/;

/** Intermediate loops and switches between a jump and its target loop. */
function constructsBetween(ancestors, labelled) {
  const found = [];
  for (let i = ancestors.length - 2; i >= 0; i--) {
    const node = ancestors[i];
    if (node === labelled.body) return found;
    if (LOOPS.has(node.type) || node.type === 'SwitchStatement')
      found.push(node);
  }
  throw new Error('labelled statement not found among ancestors');
}

function flagName(label, kind) {
  return label + '$' + (kind === 'BreakStatement' ? 'b' : 'c');
}

/**
 * Rewrites one jump. Returns the outermost construct it leaves and the flag
 * it sets, or null when a plain `break`/`continue` does the same.
 */
function rewriteJump(s, jump, ancestors, labelled) {
  const between = constructsBetween(ancestors, labelled);
  const isBreak = jump.type === 'BreakStatement';
  const loopsBetween = between.filter((n) => LOOPS.has(n.type));
  const plain = isBreak ? between.length === 0 : loopsBetween.length === 0;
  if (plain) {
    s.overwrite(jump.start, jump.end, isBreak ? 'break;' : 'continue;');
    return null;
  }
  const flag = flagName(labelled.label.name, jump.type);
  s.overwrite(jump.start, jump.end, '{ ' + flag + ' = true; break; }');
  return { flag, between, isBreak };
}

/** Wraps each construct a jump leaves with the check that carries it out. */
function propagate(s, plan, done) {
  const { flag, between, isBreak } = plan;
  between.forEach((node, i) => {
    const key = node.start + ':' + flag;
    if (done.has(key)) return;
    done.add(key);
    const last = i === between.length - 1;
    let after = 'if (' + flag + ') break;';
    if (last && !isBreak)
      after = 'if (' + flag + ') { ' + flag + ' = false; continue; }';
    else if (last) after = 'if (' + flag + ') { ' + flag + ' = false; break; }';
    s.prependLeft(node.start, '{ ');
    s.appendRight(node.end, ' ' + after + ' }');
  });
}

/** Rewrites every labelled loop in `code`; returns null when there is none. */
export function unlabelLoops(code) {
  if (!LABEL_HINT.test(code)) return null;
  const ast = parse(code, { ecmaVersion: 'latest', sourceType: 'module' });
  const s = new MagicString(code);
  const flags = new Map();
  const done = new Set();

  ancestor(ast, {
    BreakStatement: visit,
    ContinueStatement: visit,
  });

  function visit(jump, _state, ancestors) {
    if (!jump.label) return;
    const name = jump.label.name;
    let labelled = null;
    for (let i = ancestors.length - 2; i >= 0 && !labelled; i--) {
      const node = ancestors[i];
      if (node.type === 'LabeledStatement' && node.label.name === name)
        labelled = node;
    }
    if (!labelled || !LOOPS.has(labelled.body.type)) return;
    const plan = rewriteJump(s, jump, ancestors, labelled);
    if (!plan) return;
    propagate(s, plan, done);
    const names = flags.get(labelled) || new Set();
    names.add(plan.flag);
    flags.set(labelled, names);
  }

  let changed = false;
  ancestor(ast, {
    LabeledStatement(node) {
      if (!LOOPS.has(node.body.type)) return;
      changed = true;
      const names = flags.get(node) || new Set();
      const decls = [...names].map((n) => 'var ' + n + ' = false; ').join('');
      s.overwrite(node.start, node.body.start, '{ ' + decls);
      s.appendLeft(node.end, ' }');
    },
  });
  return changed ? s : null;
}

export default function unlabelLoopsPlugin() {
  return {
    name: 'unlabel-loops',
    transform(code, id) {
      if (!/\.(m?js|ts)$/.test(id)) return null;
      const s = unlabelLoops(code);
      if (!s) return null;
      return { code: s.toString(), map: s.generateMap({ hires: true }) };
    },
  };
}
