/**
 * Inline suppression comments, shared by every language:
 *   statuslens-disable-next-line <rule-id>[, <rule-id>...]
 *   statuslens-disable-line <rule-id>...        (not in Apache: no trailing comments there)
 *   statuslens-disable <rule-id>...              (whole file)
 * Without ids, every rule is silenced. The leader is `#` or `//` depending on the language.
 */
const DIRECTIVE = /(?:#|\/\/)\s*statuslens-(disable-next-line|disable-line|disable)\b([^\n]*)/g;

export interface Suppressions {
  isSuppressed(ruleId: string, line: number): boolean;
}

const NONE: Suppressions = { isSuppressed: () => false };

export function collectSuppressions(text: string): Suppressions {
  // Most files have no directive, and big ones would pay for the line scan below.
  if (!text.includes('statuslens-disable')) return NONE;
  const file = new Set<string>();
  const byLine = new Map<number, Set<string>>();
  let fileAll = false;
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  const lineOf = (offset: number) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  for (const m of text.matchAll(DIRECTIVE)) {
    const ids = m[2]!.replace(/\s--.*$/, '').split(/[\s,]+/).filter((s) => /^[a-z]+\/[a-z0-9-]+$/.test(s));
    const line = lineOf(m.index!);
    if (m[1] === 'disable') {
      if (ids.length) ids.forEach((id) => file.add(id));
      else fileAll = true;
      continue;
    }
    const target = m[1] === 'disable-next-line' ? line + 1 : line;
    const set = byLine.get(target) ?? new Set<string>();
    if (ids.length) ids.forEach((id) => set.add(id));
    else set.add('*');
    byLine.set(target, set);
  }
  return {
    isSuppressed(ruleId, line) {
      if (fileAll || file.has(ruleId)) return true;
      const set = byLine.get(line);
      return !!set && (set.has('*') || set.has(ruleId));
    },
  };
}
