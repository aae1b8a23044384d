import { all, any, DENIED, GRANTED, legacyMeaning, renderRequire, satisfiesAny, type RequireNode } from '../../analysis/apacheAccess';
import type { ApacheParsed } from '../../analysis/apacheAnalysis';
import type { ApacheDirective } from '../../parsers/apache';
import type { Fix, Rule } from '../../types';
import { indentAt } from '../text';
import { indentUnit, legacyGroupsOf, replaceLines, requireIndex } from './shared';

/**
 * `Require` next to `Order`/`Allow`/`Deny` in one section: both sets apply. With the default
 * `Satisfy All` a request must pass both, so a leftover `Deny from all` answers 403 whatever
 * Require says (A2c); with `Satisfy Any` either one is enough, so `Allow from` skips the login (A2d).
 */
export const mixedAccessControl: Rule<ApacheParsed> = {
  id: 'apache/mixed-access-control',
  family: 'apache',
  severity: 'warning',
  check({ parsed, document, report }) {
    const text = document.getText();
    const requires = requireIndex(parsed);
    for (const g of legacyGroupsOf(parsed)) {
      const lines = requires.byScope.get(g.scope) ?? [];
      if (!lines.length) continue;
      const meaning = legacyMeaning(g);
      const satisfyAny = satisfiesAny(g);
      // Harmless combinations: with Satisfy All, host rules that allow everyone; with Satisfy Any, host rules that allow no one.
      if (meaning && satisfyAny === false && meaning.kind === 'granted') continue;
      if (meaning && satisfyAny === true && meaning.kind === 'denied') continue;
      const legacyText = g.lines.filter((d) => d.lname !== 'order' && d.lname !== 'satisfy').map((d) => text.slice(d.start, d.end).trim()).join('; ') || text.slice(g.lines[0]!.start, g.lines[0]!.end).trim();
      const effect =
        satisfyAny === true
          ? `With Satisfy Any either one is enough: clients that pass "${legacyText}" get in without satisfying Require (A2d).`
          : meaning?.kind === 'denied'
            ? `A request must pass both (Satisfy All is the default), so "${legacyText}" answers 403 Forbidden to everyone, whatever Require says (A2c).`
            : `A request must pass both (Satisfy All is the default): clients that "${legacyText}" refuses get 403 Forbidden even when Require admits them (A2c).`;
      const fixes = requires.containers.has(g.scope) ? [] : mergeFixes(g.lines, lines, meaning, satisfyAny, text);
      for (const r of lines) {
        report({
          start: r.start,
          end: r.end,
          message: `This Require is not the only access rule here: the 2.2-style ${g.lines.map((d) => d.name).filter((n, i, a) => a.indexOf(n) === i).join('/')} lines in the same section still apply. ${effect}`,
          fixes,
        });
      }
    }
  },
};

/** Exact rewrites of the whole section's access rules as Require lines, when the pieces allow it. */
function mergeFixes(
  legacy: ApacheDirective[],
  requireLines: ApacheDirective[],
  meaning: RequireNode | undefined,
  satisfyAny: boolean | undefined,
  text: string,
): Fix[] {
  if (!meaning || satisfyAny === undefined) return [];
  if (requireLines.some((d) => text.slice(d.start, d.end).includes('\n'))) return []; // continued lines: leave to a human
  // Only lines side by side in one section (not spread over <IfModule> branches).
  const parent = requireLines[0]!.parent;
  if ([...legacy, ...requireLines].some((d) => d.parent !== parent)) return [];
  const existing = any(...requireLines.map((d) => requireNode(d, text)));
  const combined = satisfyAny ? any(existing, meaning) : all(existing, meaning);
  const ordered = [...legacy, ...requireLines].sort((a, b) => a.start - b.start);
  const first = ordered[0]!;
  const unit = indentUnit(text);
  const indent = indentAt(text, first.start);
  const fixes: Fix[] = [];
  const rendered = renderRequire(combined, indent, unit);
  const keep = replaceLines(text, first, ordered.slice(1), rendered);
  const shown = rendered.length === 1 ? ` (\`${rendered[0]!.trim()}\`)` : '';
  if (keep) fixes.push({ title: `Convert to Require, keeping today's behaviour${shown}`, preferred: false, edits: keep });
  // What the Require lines alone would do: usually what was meant when the legacy lines were left behind.
  const legacyFirst = legacy[0]!;
  const drop = replaceLines(text, legacyFirst, legacy.slice(1), []);
  if (drop) fixes.push({ title: 'Remove the 2.2 lines (Require alone decides)', preferred: false, edits: drop });
  return fixes;
}

/** A written Require line as an expression node. */
function requireNode(d: ApacheDirective, text: string): RequireNode {
  const words = d.args.map((a) => a.value.toLowerCase());
  if (words.join(' ') === 'all granted') return GRANTED;
  if (words.join(' ') === 'all denied') return DENIED;
  const negated = words[0] === 'not';
  const from = d.args[negated ? 1 : 0];
  const line: RequireNode = { kind: 'line', text: from ? text.slice(from.start, d.end).trim() : '' };
  return negated ? { ...line, not: true } : line;
}
