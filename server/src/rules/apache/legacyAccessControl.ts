import { legacyGroups, legacyMeaning, renderRequire, satisfiesAny, type LegacyGroup } from '../../analysis/apacheAccess';
import type { ApacheParsed } from '../../analysis/apacheAnalysis';
import { accessScopeOf, inactiveOn24 } from '../../analysis/apacheContext';
import { walkApache, type ApacheDirective } from '../../parsers/apache';
import type { Fix, Rule } from '../../types';
import { indentAt } from '../text';
import { indentUnit, replaceLines } from './shared';

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
    for (const g of legacyGroups(parsed.file)) {
      const fixes = conversionFix(g, parsed, text);
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

/** Require lines already governing the group's section (then a conversion would change their merge). */
function scopeHasRequire(g: LegacyGroup, parsed: ApacheParsed): boolean {
  const within = g.scope?.section ? walkApache(g.scope.section.children) : walkApache(parsed.file.directives);
  for (const d of within) if ((d.lname === 'require' || d.lname.startsWith('auth')) && !inactiveOn24(d) && accessScopeOf(d) === g.scope) return true;
  // Require in an enclosing section of this file is inherited until a Require here replaces it.
  for (let p: ApacheDirective | undefined = g.scope; p; p = p.parent) {
    for (const c of p.parent?.section?.children ?? parsed.file.directives) if (c.lname === 'require' && !inactiveOn24(c)) return true;
  }
  return false;
}

function conversionFix(g: LegacyGroup, parsed: ApacheParsed, text: string): Fix[] {
  const meaning = legacyMeaning(g);
  const any = satisfiesAny(g);
  // Satisfy Any, or authentication in the same section: the host rules combine with Require; not ours to guess.
  if (!meaning || any !== false || scopeHasRequire(g, parsed)) return [];
  // All lines must sit side by side in one section (not spread over <IfModule> branches).
  const parent = g.lines[0]!.parent;
  if (g.lines.some((d) => d.parent !== parent)) return [];
  const first = g.lines[0]!;
  const lines = renderRequire(meaning, indentAt(text, first.start), indentUnit(text));
  const edits = replaceLines(text, first, g.lines.slice(1), lines);
  if (!edits) return [];
  return [{ title: `Rewrite as ${lines.length === 1 ? `\`${lines[0]!.trim()}\`` : 'Require lines'}`, preferred: true, edits }];
}
