import { legacyMeaning, renderRequire, satisfiesAny, type LegacyGroup } from '../../analysis/apacheAccess';
import type { ApacheParsed } from '../../analysis/apacheAnalysis';
import { accessScopeOf } from '../../analysis/apacheContext';
import type { ApacheDirective } from '../../parsers/apache';
import type { Fix, Rule } from '../../types';
import { indentAt } from '../text';
import { activeDirectives, indentUnit, legacyGroupsOf, replaceLines, requireIndex } from './shared';

/**
 * `Order`, `Allow`, `Deny` and `Satisfy` are Apache 2.2 syntax, kept alive in 2.4 by
 * mod_access_compat only: without it Apache refuses the configuration (A2b); with it the
 * lines work (A2a) but mix badly with Require (A2c, A2d). The fix rewrites the group as the
 * equivalent Require lines, and is offered only when the translation is exact.
 */
export const legacyAccessControl: Rule<ApacheParsed> = {
  id: 'apache/legacy-access-control',
  family: 'apache',
  severity: 'warning',
  check({ parsed, document, report }) {
    const text = document.getText();
    const groups = legacyGroupsOf(parsed);
    const authScopes = groups.length ? new Set(activeDirectives(parsed).filter((d) => d.lname.startsWith('auth') && !d.section).map(accessScopeOf)) : new Set<ApacheDirective | undefined>();
    for (const g of groups) {
      const fixes = conversionFix(g, parsed, text, authScopes);
      const consequence =
        parsed.kind === 'htaccess'
          ? 'without that module every request under this folder answers 500 Internal Server Error'
          : 'without that module Apache 2.4 refuses to start ("Invalid command \'Order\'…", A2b)';
      for (const d of g.lines) {
        report({
          start: d.start,
          end: d.end,
          message: `\`${d.name}\` is Apache 2.2 access control, read in 2.4 only through mod_access_compat: ${consequence}. Use Require lines instead${fixes.length ? '' : ' (no automatic conversion: this group needs a human look)'}.`,
          fixes,
        });
      }
    }
  },
};

/** Require (or Auth*) lines already governing the group's section: a conversion would change how they combine. */
function scopeHasRequire(g: LegacyGroup, parsed: ApacheParsed, authScopes: Set<ApacheDirective | undefined>): boolean {
  const index = requireIndex(parsed);
  if (authScopes.has(g.scope) || index.byScope.has(g.scope)) return true;
  // Require in an enclosing section is inherited until a Require here replaces it.
  for (let s = g.scope; s; ) {
    s = accessScopeOf(s);
    if (index.byScope.has(s)) return true;
  }
  return false;
}

function conversionFix(g: LegacyGroup, parsed: ApacheParsed, text: string, authScopes: Set<ApacheDirective | undefined>): Fix[] {
  const meaning = legacyMeaning(g);
  const any = satisfiesAny(g);
  // Satisfy Any, or authentication in the same section: the host rules combine with Require; not ours to guess.
  if (!meaning || any !== false || scopeHasRequire(g, parsed, authScopes)) return [];
  // All lines must sit side by side in one section (not spread over <IfModule> branches).
  const parent = g.lines[0]!.parent;
  if (g.lines.some((d) => d.parent !== parent)) return [];
  const first = g.lines[0]!;
  const lines = renderRequire(meaning, indentAt(text, first.start), indentUnit(text));
  const edits = replaceLines(text, first, g.lines.slice(1), lines);
  if (!edits) return [];
  return [{ title: `Rewrite as ${lines.length === 1 ? `\`${lines[0]!.trim()}\`` : 'Require lines'}`, preferred: true, edits }];
}
