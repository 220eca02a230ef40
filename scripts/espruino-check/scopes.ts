/**
 * A small scope analysis over an acorn AST: which names each function,
 * block or catch clause declares, and for every identifier that is read or
 * written, the declaration it resolves to (or none, for a global).
 */
import type { Node } from 'acorn';

/* eslint-disable @typescript-eslint/no-explicit-any */
type AnyNode = any;

export type DeclKind =
  'var' | 'function' | 'param' | 'let' | 'const' | 'class' | 'catch' | 'self';

export interface Decl {
  name: string;
  kind: DeclKind;
  /** Offset of the declaring identifier. */
  start: number;
  scope: Scope;
}

export interface Scope {
  node: AnyNode;
  parent: Scope | null;
  /** The function (or program) scope this scope belongs to. */
  fn: Scope;
  names: Map<string, Decl>;
}

export interface Reference {
  node: AnyNode;
  scope: Scope;
  decl: Decl | null;
}

export interface Binding {
  node: AnyNode;
  kind: DeclKind;
}

export interface ScopeInfo {
  references: Reference[];
  bindings: Binding[];
}

const FUNCTIONS = new Set([
  'FunctionDeclaration',
  'FunctionExpression',
  'ArrowFunctionExpression',
]);

function newScope(node: AnyNode, parent: Scope | null, isFn: boolean): Scope {
  const scope = { node, parent, names: new Map() } as Scope;
  scope.fn = isFn || !parent ? scope : parent.fn;
  return scope;
}

/** Identifiers a pattern binds: `a`, `{ a, b: [c] }`, `...d`, `e = 1`. */
export function patternNames(pattern: AnyNode, out: AnyNode[] = []): AnyNode[] {
  if (!pattern) return out;
  switch (pattern.type) {
    case 'Identifier':
      out.push(pattern);
      break;
    case 'ObjectPattern':
      for (const p of pattern.properties)
        patternNames(p.type === 'RestElement' ? p.argument : p.value, out);
      break;
    case 'ArrayPattern':
      for (const e of pattern.elements) patternNames(e, out);
      break;
    case 'RestElement':
      patternNames(pattern.argument, out);
      break;
    case 'AssignmentPattern':
      patternNames(pattern.left, out);
      break;
  }
  return out;
}

function declare(scope: Scope, id: AnyNode, kind: DeclKind, info: ScopeInfo) {
  info.bindings.push({ node: id, kind });
  if (!scope.names.has(id.name))
    scope.names.set(id.name, { name: id.name, kind, start: id.start, scope });
}

/** Keys of a node that hold child nodes, skipping position fields. */
function children(node: AnyNode): AnyNode[] {
  const out: AnyNode[] = [];
  for (const key of Object.keys(node)) {
    if (key === 'type' || key === 'start' || key === 'end' || key === 'loc')
      continue;
    const value = node[key];
    if (Array.isArray(value)) {
      for (const v of value) if (v && typeof v.type === 'string') out.push(v);
    } else if (value && typeof value.type === 'string') out.push(value);
  }
  return out;
}

/** True when `id`, a child of `parent`, names something rather than reads it. */
function isNonReference(id: AnyNode, parent: AnyNode): boolean {
  switch (parent.type) {
    case 'MemberExpression':
      return parent.property === id && !parent.computed;
    case 'Property':
    case 'MethodDefinition':
    case 'PropertyDefinition':
      return parent.key === id && !parent.computed && parent.value !== id;
    case 'LabeledStatement':
    case 'BreakStatement':
    case 'ContinueStatement':
      return true;
    case 'MetaProperty':
      return true;
  }
  return false;
}

/** Builds the scopes, then resolves every reference. */
export function analyseScopes(program: Node): ScopeInfo {
  const info: ScopeInfo = { references: [], bindings: [] };
  const scopeOf = new Map<AnyNode, Scope>();
  const pending: { node: AnyNode; scope: Scope }[] = [];

  function collect(node: AnyNode, scope: Scope, parent: AnyNode): void {
    let inner = scope;
    if (FUNCTIONS.has(node.type)) {
      if (node.type === 'FunctionDeclaration' && node.id)
        declare(scope, node.id, 'function', info);
      inner = newScope(node, scope, true);
      if (node.type === 'FunctionExpression' && node.id)
        declare(inner, node.id, 'self', info);
      for (const p of node.params)
        for (const id of patternNames(p)) declare(inner, id, 'param', info);
      scopeOf.set(node, inner);
    } else if (node.type === 'CatchClause') {
      inner = newScope(node, scope, false);
      for (const id of patternNames(node.param))
        declare(inner, id, 'catch', info);
      scopeOf.set(node, inner);
    } else if (
      (node.type === 'BlockStatement' && !FUNCTIONS.has(parent?.type)) ||
      node.type === 'ForStatement' ||
      node.type === 'ForInStatement' ||
      node.type === 'ForOfStatement' ||
      node.type === 'SwitchStatement'
    ) {
      inner = newScope(node, scope, false);
      scopeOf.set(node, inner);
    } else if (node.type === 'VariableDeclaration') {
      const target = node.kind === 'var' ? scope.fn : scope;
      for (const d of node.declarations)
        for (const id of patternNames(d.id))
          declare(target, id, node.kind, info);
    } else if (node.type === 'ClassDeclaration' && node.id) {
      declare(scope, node.id, 'class', info);
    } else if (node.type === 'Identifier') {
      if (parent && !isNonReference(node, parent))
        pending.push({ node, scope });
      return;
    }
    for (const child of children(node)) collect(child, inner, node);
  }

  const root = newScope(program, null, true);
  scopeOf.set(program, root);
  collect(program, root, null);

  const bound = new Set(info.bindings.map((b) => b.node));
  for (const { node, scope } of pending) {
    if (bound.has(node)) continue;
    let decl: Decl | null = null;
    for (let s: Scope | null = scope; s && !decl; s = s.parent)
      decl = s.names.get(node.name) || null;
    info.references.push({ node, scope, decl });
  }
  return info;
}
