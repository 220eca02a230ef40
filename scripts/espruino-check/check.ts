/**
 * Checks JavaScript source for what breaks in the Espruino interpreter:
 * syntax it cannot parse, built-ins it lacks, reliance on hoisting, which
 * it does not do, and a few measured pitfalls. Each finding has the rule,
 * the offset, line and column, and a snippet of the source.
 */
import { ESPRUINO_KEYWORDS } from '../rollup/espruino-names.mjs';
import { parse } from 'acorn';
import { ESPRUINO_GLOBALS, PIN_NAME } from './builtins';
import { collectGuards, type Guards } from './guards';
import { analyseScopes, type ScopeInfo } from './scopes';
import { checkNode, type SyntaxContext } from './syntax-rules';

/* eslint-disable @typescript-eslint/no-explicit-any */
type AnyNode = any;

export interface Finding {
  rule: string;
  message: string;
  offset: number;
  line: number;
  column: number;
  snippet: string;
}

export interface CheckOptions {
  /** Globals the polyfill prelude installs, e.g. `Map`. */
  providedGlobals?: string[];
  /** Static members it installs, e.g. `Array.from`. */
  providedMembers?: string[];
  /** Prototype methods it installs, e.g. `flatMap`. */
  providedMethods?: string[];
  /** Globals the code may use besides Espruino's, e.g. test hooks. */
  allowedGlobals?: string[];
  /**
   * Maximum line length. Espruino copies the whole source line into the
   * stack of every error, caught ones too, so a long line costs memory.
   */
  maxLineLength?: number;
}


function lineStarts(code: string): number[] {
  const starts = [0];
  for (let i = 0; i < code.length; i++)
    if (code.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

function locate(
  starts: number[],
  offset: number,
): { line: number; column: number } {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - starts[lo] + 1 };
}

function walk(node: AnyNode, visit: (n: AnyNode) => void): void {
  visit(node);
  for (const key of Object.keys(node)) {
    const value = node[key];
    if (Array.isArray(value)) {
      for (const v of value)
        if (v && typeof v.type === 'string') walk(v, visit);
    } else if (value && typeof value.type === 'string' && key !== 'loc') {
      walk(value, visit);
    }
  }
}

/** Globals Espruino lacks, hoisting reliance and keyword bindings. */
function checkScopes(
  info: ScopeInfo,
  options: CheckOptions,
  guards: Guards,
  report: SyntaxContext['report'],
) {
  const allowed = new Set([
    ...ESPRUINO_GLOBALS,
    ...(options.providedGlobals || []),
    ...(options.allowedGlobals || []),
  ]);
  for (const ref of info.references) {
    const name = ref.node.name;
    if (!ref.decl) {
      const known = allowed.has(name) || PIN_NAME.test(name);
      if (!known && !guards.isGlobalGuarded(name, ref.node.start))
        report(ref.node, 'global', name + ' is not a global in Espruino');
      continue;
    }
    const decl = ref.decl;
    const sameFunction = ref.scope.fn === decl.scope.fn;
    if (!sameFunction || ref.node.start >= decl.start) continue;
    if (decl.kind === 'function')
      report(
        ref.node,
        'hoisting',
        name +
          ' is used before its function declaration (Espruino does not hoist)',
      );
    else if (decl.kind === 'var')
      report(
        ref.node,
        'hoisting',
        name + ' is used before its var declaration (Espruino does not hoist)',
      );
  }
  const keywords = new Set(ESPRUINO_KEYWORDS);
  for (const binding of info.bindings) {
    if (keywords.has(binding.node.name))
      report(
        binding.node,
        'reserved-name',
        binding.node.name + ' is a keyword in Espruino',
      );
  }
}

function checkShorthand(node: AnyNode, report: SyntaxContext['report']) {
  const keywords = new Set(ESPRUINO_KEYWORDS);
  if (node.type === 'Property' && node.shorthand && keywords.has(node.key.name))
    report(node, 'reserved-name', node.key.name + ' is a keyword in Espruino');
}

export function checkEspruino(
  code: string,
  options: CheckOptions = {},
): Finding[] {
  const findings: Finding[] = [];
  const starts = lineStarts(code);
  const report = (node: AnyNode, rule: string, message: string) => {
    const where = locate(starts, node.start);
    const snippet = code.slice(Math.max(0, node.start - 30), node.start + 50);
    findings.push({ rule, message, offset: node.start, ...where, snippet });
  };

  const maxLine = options.maxLineLength ?? 500;
  for (let i = 0; i < starts.length; i++) {
    const end = i + 1 < starts.length ? starts[i + 1] - 1 : code.length;
    if (end - starts[i] > maxLine) {
      report(
        { start: starts[i] },
        'long-line',
        'line of ' +
          (end - starts[i]) +
          ' characters (at most ' +
          maxLine +
          ')',
      );
    }
  }

  let ast: AnyNode;
  try {
    ast = parse(code, {
      ecmaVersion: 'latest',
      sourceType: 'script',
      allowReturnOutsideFunction: true,
    });
  } catch (err) {
    const e = err as { pos?: number; message: string };
    report({ start: e.pos || 0 }, 'parse', e.message);
    return findings;
  }

  const guards = collectGuards(ast, code);
  const context: SyntaxContext = {
    report,
    guards,
    providedMembers: new Set(options.providedMembers || []),
    providedMethods: new Set(options.providedMethods || []),
    source: code,
  };
  walk(ast, (node) => {
    checkNode(node, context);
    checkShorthand(node, report);
  });
  checkScopes(analyseScopes(ast), options, guards, report);
  return findings.sort((a, b) => a.offset - b.offset);
}

export function formatFinding(f: Finding): string {
  const snippet = f.snippet.replace(/\s+/g, ' ');
  return (
    f.line +
    ':' +
    f.column +
    ' (offset ' +
    f.offset +
    ') ' +
    f.rule +
    ': ' +
    f.message +
    '\n    ' +
    snippet
  );
}
