/**
 * Rules that look at one AST node at a time: syntax Espruino cannot parse
 * or runs differently, and calls it lacks.
 */
import { MISSING_METHODS, MISSING_STATICS } from './builtins';
import type { Guards } from './guards';
import { regexProblems } from './regex';

/* eslint-disable @typescript-eslint/no-explicit-any */
type AnyNode = any;

/** Reports a problem at a node: rule id and message. */
export type Report = (node: AnyNode, rule: string, message: string) => void;

export interface SyntaxContext {
  report: Report;
  /** `Owner.member` names the polyfills provide, e.g. `Array.from`. */
  providedMembers: Set<string>;
  /** Method names the polyfills provide, e.g. `flatMap`. */
  providedMethods: Set<string>;
  source: string;
  guards: Guards;
}

const LOGICAL_ASSIGN = new Set(['??=', '&&=', '||=']);

function isFunction(node: AnyNode): boolean {
  return (
    node.type === 'FunctionDeclaration' ||
    node.type === 'FunctionExpression' ||
    node.type === 'ArrowFunctionExpression'
  );
}

function staticName(member: AnyNode): string | null {
  if (member.type !== 'MemberExpression') return null;
  if (!member.computed && member.property.type === 'Identifier')
    return member.property.name;
  if (member.computed && typeof member.property.value === 'string')
    return member.property.value;
  return null;
}

function checkFunction(node: AnyNode, c: SyntaxContext): void {
  if (node.async) c.report(node, 'async', 'async function');
  if (node.generator) c.report(node, 'generator', 'generator function');
  for (const p of node.params) {
    if (p.type === 'AssignmentPattern')
      c.report(p, 'default-param', 'default parameter value');
  }
}

function checkMember(node: AnyNode, c: SyntaxContext): void {
  const name = staticName(node);
  if (name === null) return;
  if (node.object.type === 'Identifier') {
    const missing = MISSING_STATICS[node.object.name];
    const full = node.object.name + '.' + name;
    const guarded = c.guards.isMemberGuarded(full, node.start);
    if (
      missing &&
      missing.includes(name) &&
      !c.providedMembers.has(full) &&
      !guarded
    )
      c.report(node, 'missing-builtin', full + ' does not exist in Espruino');
  }
}

function checkCall(node: AnyNode, c: SyntaxContext): void {
  const callee = node.callee;
  const name = callee.type === 'MemberExpression' ? staticName(callee) : null;
  const isStatic =
    callee.type === 'MemberExpression' &&
    callee.object.type === 'Identifier' &&
    callee.object.name in MISSING_STATICS;
  if (
    name &&
    !isStatic &&
    MISSING_METHODS.includes(name) &&
    !c.providedMethods.has(name)
  ) {
    c.report(
      node,
      'missing-builtin',
      '.' + name + '() does not exist in Espruino',
    );
  }
  const isDefineProperty =
    callee.type === 'MemberExpression' &&
    callee.object.type === 'Identifier' &&
    callee.object.name === 'Object' &&
    staticName(callee) === 'defineProperty';
  const key = node.arguments[1];
  if (isDefineProperty && key && key.value === 'prototype')
    c.report(
      node,
      'prototype-lock',
      'Object.defineProperty(F, "prototype") wipes F.prototype in Espruino',
    );
  const isRegExp = callee.type === 'Identifier' && callee.name === 'RegExp';
  const pattern = node.arguments[0];
  if (isRegExp && pattern && typeof pattern.value === 'string') {
    const flags = node.arguments[1];
    checkRegex(node, pattern.value, flags ? String(flags.value) : '', c);
  }
}

function checkRegex(
  node: AnyNode,
  pattern: string,
  flags: string,
  c: SyntaxContext,
) {
  const problems = regexProblems(pattern, flags);
  if (problems.length > 0)
    c.report(
      node,
      'regex',
      'regular expression feature Espruino lacks: ' + problems.join(', '),
    );
}

/**
 * Espruino 2v29's lexer ends a regular expression literal at the first
 * unescaped `/`, even inside a character class, so `/[^/]/` fails to
 * parse there when the code runs ("Got '#' expected EOF" was measured).
 */
function checkLiteralSlash(node: AnyNode, pattern: string, c: SyntaxContext) {
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] === '\\') i++;
    else if (pattern[i] === '/') {
      c.report(
        node,
        'regex',
        'unescaped / in a regular expression literal: write \\/',
      );
      return;
    }
  }
}

function checkLength(target: AnyNode, node: AnyNode, c: SyntaxContext): void {
  if (staticName(target) === 'length')
    c.report(
      node,
      'length-write',
      'writing .length (read-only in Espruino 2v19+)',
    );
}

/**
 * Report `let` or `const` loop bindings, because in Espruino a closure made
 * in the loop body reads only the last value.
 */
function checkLoopBinding(node: AnyNode, c: SyntaxContext): void {
  const head = node.type === 'ForStatement' ? node.init : node.left;
  if (!head || head.type !== 'VariableDeclaration' || head.kind === 'var')
    return;
  let found = false;
  const visit = (n: AnyNode) => {
    if (!n || found || typeof n.type !== 'string') return;
    if (isFunction(n)) found = true;
    for (const key of Object.keys(n)) {
      const v = n[key];
      if (Array.isArray(v)) v.forEach(visit);
      else if (v && typeof v.type === 'string') visit(v);
    }
  };
  visit(node.body);
  if (found)
    c.report(
      node,
      'loop-binding',
      head.kind +
        ' loop variable captured by a closure (no per-iteration binding in Espruino)',
    );
}

/** `return` and a line break: Espruino returns the next line's value. */
function checkReturn(node: AnyNode, c: SyntaxContext): void {
  if (node.argument) return;
  const rest = c.source.slice(node.start + 'return'.length, node.end + 200);
  const match = /^[ \t]*\r?\n\s*([^\s;}])/.exec(rest);
  if (match)
    c.report(
      node,
      'return-newline',
      'return followed by a line break: Espruino returns the next line',
    );
}

export function checkNode(node: AnyNode, c: SyntaxContext): void {
  switch (node.type) {
    case 'LabeledStatement':
      c.report(node, 'label', 'label ' + node.label.name);
      break;
    case 'BreakStatement':
    case 'ContinueStatement':
      if (node.label)
        c.report(
          node,
          'label',
          node.type === 'BreakStatement' ? 'break label' : 'continue label',
        );
      break;
    case 'BinaryExpression':
      if (node.operator === '**') c.report(node, 'exponent', '** operator');
      break;
    case 'AssignmentExpression':
      if (node.operator === '**=') c.report(node, 'exponent', '**= operator');
      if (LOGICAL_ASSIGN.has(node.operator))
        c.report(node, 'logical-assign', node.operator + ' operator');
      if (
        node.left.type === 'ObjectPattern' ||
        node.left.type === 'ArrayPattern'
      )
        c.report(node, 'destructuring', 'destructuring assignment');
      checkLength(node.left, node, c);
      break;
    case 'UpdateExpression':
      checkLength(node.argument, node, c);
      break;
    case 'ObjectPattern':
    case 'ArrayPattern':
      c.report(node, 'destructuring', 'destructuring');
      break;
    case 'SpreadElement':
      c.report(node, 'spread', 'spread (...)');
      break;
    case 'RestElement':
      c.report(node, 'spread', 'rest parameter or element (...)');
      break;
    case 'Property':
    case 'MethodDefinition':
    case 'PropertyDefinition':
      if (node.computed) c.report(node, 'computed-key', 'computed key');
      break;
    case 'FunctionDeclaration':
    case 'FunctionExpression':
    case 'ArrowFunctionExpression':
      checkFunction(node, c);
      break;
    case 'AwaitExpression':
      c.report(node, 'async', 'await');
      break;
    case 'YieldExpression':
      c.report(node, 'generator', 'yield');
      break;
    case 'ChainExpression':
      c.report(node, 'optional-chaining', 'optional chaining (?.)');
      break;
    case 'TaggedTemplateExpression':
      c.report(node, 'tagged-template', 'tagged template');
      break;
    case 'MemberExpression':
      checkMember(node, c);
      break;
    case 'CallExpression':
    case 'NewExpression':
      checkCall(node, c);
      break;
    case 'Literal':
      if (node.regex) {
        checkRegex(node, node.regex.pattern, node.regex.flags, c);
        checkLiteralSlash(node, node.regex.pattern, c);
      }
      break;
    case 'ForStatement':
    case 'ForInStatement':
    case 'ForOfStatement':
      checkLoopBinding(node, c);
      break;
    case 'ReturnStatement':
      checkReturn(node, c);
      break;
  }
}
