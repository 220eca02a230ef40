/**
 * Regular expression features Espruino's matcher lacks (2v29: read from
 * src/jswrap_regexp.c and measured). It supports characters, `.`, classes,
 * `\d \D \s \S \w \W \n \r \t \f \v \0 \xHH`, `*` and `+` after one atom,
 * capturing groups without quantifiers, `^`, `$`, top-level `|`, and the
 * `g` and `i` flags. Anything else fails silently: `/\d{4}/.test('2026')`
 * is false there.
 */

const SUPPORTED_FLAGS = 'gi';

/** Problems in one pattern, each as a short message. */
export function regexProblems(pattern: string, flags: string): string[] {
  const problems: string[] = [];
  for (const flag of flags) {
    if (!SUPPORTED_FLAGS.includes(flag)) problems.push('flag ' + flag);
  }
  let depth = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      const e = pattern[i + 1];
      if (e === 'b' || e === 'B') problems.push('\\' + e + ' word boundary');
      else if (e >= '1' && e <= '9') problems.push('backreference \\' + e);
      else if ('upPkc'.includes(e)) problems.push('escape \\' + e);
      i++;
    } else if (c === '[') {
      i = skipClass(pattern, i);
    } else if (c === '(') {
      if (pattern[i + 1] === '?') problems.push('group syntax (?');
      depth++;
    } else if (c === ')') {
      depth--;
      const next = pattern[i + 1];
      if (next && '*+?{'.includes(next))
        problems.push('quantifier ' + next + ' after a group');
    } else if (c === '|' && depth > 0) {
      problems.push('| inside a group');
    } else if (c === '?') {
      problems.push('? quantifier');
    } else if (c === '{' && /^\{\d+(,\d*)?\}/.test(pattern.slice(i))) {
      problems.push(
        'counted quantifier ' + /^\{[^}]*\}/.exec(pattern.slice(i))![0],
      );
    }
  }
  return problems;
}

/** Index of the `]` that closes the class opened at `open`. */
function skipClass(pattern: string, open: number): number {
  for (let i = open + 1; i < pattern.length; i++) {
    if (pattern[i] === '\\') i++;
    else if (pattern[i] === ']') return i;
  }
  return pattern.length;
}
